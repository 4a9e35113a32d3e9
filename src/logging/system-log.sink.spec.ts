import { SystemLogSink } from './system-log.sink.js';

describe('SystemLogSink buffer', () => {
  it('keeps at most maxBuffered records, dropping the oldest and counting them', () => {
    const sink = new SystemLogSink(50, 1000, 100);
    for (let i = 0; i < 130; i++) {
      sink.write(JSON.stringify({ level: 'info', msg: `m${i}` }));
    }
    expect(sink.stats).toMatchObject({ buffered: 100, dropped: 30, written: 0, attached: false });
  });
});

describe('SystemLogSink request lines', () => {
  /** Writes one record as pino's multistream does: its level and fields first. */
  function write(sink: SystemLogSink, level: number, record: object): void {
    sink.lastLevel = level;
    sink.lastObj = record;
    sink.write(JSON.stringify(record));
  }

  it('keeps only failed, slow and warn+ request lines with failed-or-slow, and every other record', () => {
    const sink = new SystemLogSink(50, 1000, 100, 'failed-or-slow');
    write(sink, 30, { res: { statusCode: 200 } });
    write(sink, 30, { res: { statusCode: 304 } });
    write(sink, 30, { res: { statusCode: 404 } });
    write(sink, 40, { res: { statusCode: 200 } });
    write(sink, 50, { res: { statusCode: 500 } });
    write(sink, 30, { msg: 'a service line' });
    expect(sink.stats.buffered).toBe(4);
  });

  it('keeps every request line with all', () => {
    const sink = new SystemLogSink(50, 1000, 100, 'all');
    write(sink, 30, { res: { statusCode: 200 } });
    write(sink, 30, { msg: 'a service line' });
    expect(sink.stats.buffered).toBe(2);
  });
});
