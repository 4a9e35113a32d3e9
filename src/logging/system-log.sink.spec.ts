import { SystemLogSink, toRow } from './system-log.sink.js';

describe('toRow', () => {
  it('maps a request completion line to the request columns', () => {
    const row = toRow(
      JSON.stringify({
        level: 'info',
        time: '2026-11-21T10:00:00.000Z',
        msg: 'GET /api/genes 200 3ms',
        request_id: 'r1',
        user_id: 7,
        req: { method: 'GET', url: '/api/genes?page=2', ip: '10.0.0.1', user_agent: 'ua' },
        res: { status_code: 200 },
        duration_ms: 3,
        route: '/api/genes',
      }),
    )!;
    expect(row.slice(0, 16)).toEqual([
      new Date('2026-11-21T10:00:00.000Z'),
      'info',
      'http',
      'GET /api/genes 200 3ms',
      'r1',
      7,
      null,
      '10.0.0.1',
      'ua',
      'GET',
      '/api/genes',
      200,
      3,
      null,
      null,
      null,
    ]);
    expect(JSON.parse(row[16] as string)).toEqual({ route: '/api/genes' });
  });

  it('maps errors and keeps unknown fields as context', () => {
    const row = toRow(
      JSON.stringify({
        level: 'error',
        msg: 'x',
        context: 'Svc',
        err: { type: 'TypeError', message: 'm', stack: 's' },
        gene: 'PKD1',
      }),
    )!;
    expect(row[2]).toBe('Svc');
    expect(row.slice(13, 16)).toEqual(['TypeError', 'm', 's']);
    expect(JSON.parse(row[16] as string)).toEqual({ gene: 'PKD1' });
  });

  it('skips lines that are not JSON', () => {
    expect(toRow('not json')).toBeNull();
  });
});

describe('SystemLogSink buffer', () => {
  it('keeps at most maxBuffered records, dropping the oldest and counting them', () => {
    const sink = new SystemLogSink(50, 1000, 100);
    for (let i = 0; i < 130; i++) sink.write(JSON.stringify({ level: 'info', msg: `m${i}` }));
    expect(sink.stats).toMatchObject({ buffered: 100, dropped: 30, written: 0, attached: false });
  });
});
