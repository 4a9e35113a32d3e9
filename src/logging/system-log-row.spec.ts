import { SYSTEM_LOG_COLUMNS, toCopyRow } from './system-log-row.js';

const NOW = '2026-01-01T00:00:00.000Z';

/** The row's cells by column name, COPY's NULL as null. */
function cells(line: unknown): Record<string, string | null> {
  const row = toCopyRow(typeof line === 'string' ? line : JSON.stringify(line), NOW);
  if (row === undefined) {
    throw new Error('no row');
  }
  expect(row.endsWith('\n')).toBe(true);
  const values = row.slice(0, -1).split('\t');
  expect(values).toHaveLength(SYSTEM_LOG_COLUMNS.length);
  return Object.fromEntries(
    SYSTEM_LOG_COLUMNS.map((column, i) => [column, values[i] === '\\N' ? null : values[i]]),
  );
}

describe('toCopyRow', () => {
  it('maps a completion line to its columns, keeping other fields as context', () => {
    const row = cells({
      level: 'info',
      time: '2026-02-03T04:05:06.789Z',
      pid: 1,
      service: 'kidney-genetics-db',
      request_id: 'r-1',
      user_id: 7,
      req: { method: 'GET', url: '/api/genes/X?q=1', ip: '10.0.0.1', user_agent: 'ua' },
      res: { status_code: 200 },
      duration_ms: 3,
      route: '/api/genes/:id',
      msg: 'GET /api/genes/X 200 3ms',
    });
    expect(row).toEqual({
      timestamp: '2026-02-03T04:05:06.789Z',
      level: 'info',
      logger: 'http',
      message: 'GET /api/genes/X 200 3ms',
      request_id: 'r-1',
      user_id: '7',
      run_id: null,
      ip: '10.0.0.1',
      user_agent: 'ua',
      method: 'GET',
      path: '/api/genes/X',
      status_code: '200',
      duration_ms: '3',
      error_type: null,
      error_message: null,
      stack: null,
      context: '{"route":"/api/genes/:id"}',
    });
  });

  it('reads a service line: its context, run id, own ip and error', () => {
    const row = cells({
      level: 'error',
      context: 'Pipeline',
      run_id: 'run-1',
      ip: '10.0.0.2',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
      msg: 'failed',
      extra: { a: [1, 'two'] },
    });
    expect(row).toMatchObject({
      timestamp: NOW,
      level: 'error',
      logger: 'Pipeline',
      run_id: 'run-1',
      ip: '10.0.0.2',
      error_type: 'Error',
      error_message: 'boom',
      stack: 'Error: boom\\n    at x',
      context: '{"extra":{"a":[1,"two"]}}',
    });
  });

  it("escapes COPY's special characters and stores an unknown level as info", () => {
    const row = cells({ level: 'loud', msg: 'tab\there\\ and\r\nnewline', note: 'a\tb' });
    expect(row.level).toBe('info');
    expect(row.message).toBe('tab\\there\\\\ and\\r\\nnewline');
    expect(row.context).toBe('{"note":"a\\\\tb"}');
    expect(row.logger).toBeNull();
  });

  it('cuts long fields, and takes only JSON numbers as numbers', () => {
    const row = cells({ request_id: 'x'.repeat(300), user_id: '7', duration_ms: 1.25 });
    expect(row.request_id).toHaveLength(200);
    expect(row.user_id).toBeNull();
    expect(row.duration_ms).toBe('1.25');
    expect(row.message).toBe('');
  });

  it('refuses a line that is not a JSON object', () => {
    expect(toCopyRow('{"level": "info", "msg": truncated', NOW)).toBeUndefined();
    expect(toCopyRow('[1,2]', NOW)).toBeUndefined();
    expect(toCopyRow('"text"', NOW)).toBeUndefined();
  });
});
