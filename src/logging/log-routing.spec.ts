import pino from 'pino';

import { loadConfig } from '../config/index.js';
import { logRouter } from './log-routing.js';

const { info, warn } = pino.levels.values;
const ok = { res: { statusCode: 200 } };

/** Whether a record would be built while an app with this environment is active. */
function wants(env: Record<string, string>, level: number, record: unknown): boolean {
  const handle = logRouter.activate(loadConfig(env), { write: () => undefined });
  try {
    return logRouter.wants(level, record);
  } finally {
    logRouter.deactivate(handle);
  }
}

describe('logRouter.wants', () => {
  it('skips a successful request line that neither the console nor system_logs keeps', () => {
    expect(wants({ LOG_LEVEL: 'warn' }, info, ok)).toBe(false);
    expect(wants({ LOG_LEVEL: 'warn', LOG_DB_REQUESTS: 'all' }, info, ok)).toBe(true);
    expect(wants({ LOG_LEVEL: 'info' }, info, ok)).toBe(true);
  });

  it('builds failed and slow request lines, and every other record', () => {
    expect(wants({ LOG_LEVEL: 'warn' }, info, { res: { statusCode: 404 } })).toBe(true);
    expect(wants({ LOG_LEVEL: 'error' }, warn, ok)).toBe(true);
    expect(wants({ LOG_LEVEL: 'warn' }, info, { msg: 'service line' })).toBe(true);
    expect(wants({ LOG_LEVEL: 'warn', LOG_DB_LEVEL: 'silent' }, info, { res: 1 })).toBe(true);
  });

  it('skips what LOG_DB_LEVEL keeps out even when failed', () => {
    const notFound = { res: { statusCode: 404 } };
    expect(wants({ LOG_LEVEL: 'warn', LOG_DB_LEVEL: 'warn' }, info, notFound)).toBe(false);
  });
});
