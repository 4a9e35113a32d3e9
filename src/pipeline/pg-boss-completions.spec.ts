import PgBoss from 'pg-boss';

import { guardJobCompletions } from './pg-boss-completions.js';

const JOB_ID = '00000000-0000-4000-8000-000000000000';

type Completing = { complete(name: string, id: string): Promise<unknown> };

describe('guardJobCompletions', () => {
  let boss: Completing;

  beforeAll(() => {
    guardJobCompletions();
    guardJobCompletions(); // idempotent
    // A queue whose database connection has just dropped.
    boss = new PgBoss({
      db: { executeSql: () => Promise.reject(new Error('Connection terminated unexpectedly')) },
    });
  });

  it('keeps a completion nobody awaits from becoming an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      // As pg-boss's own worker loop does after a handler returns.
      void boss.complete('pipeline-run', JOB_ID);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });

  it('still rejects for a caller that awaits the completion', async () => {
    await expect(boss.complete('pipeline-run', JOB_ID)).rejects.toThrow(
      'Connection terminated unexpectedly',
    );
  });
});
