import pg from 'pg';

/**
 * A test file's one connection to its database, for what a test cannot ask the app:
 * arranging rows through test/factories, reading back what was stored, or acting as
 * "another session" (holding a lock, watching pg_stat_activity). It connects on first
 * use, so it can be declared before the database exists, and is ended by `close()`
 * (call it in the file's afterAll).
 */
export interface TestDb {
  /** The rows of one statement. */
  rows<T extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** The first row of one statement; fails the test when there is none. */
  one<T extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T>;
  /** Runs a statement for its effect. */
  exec(sql: string, params?: unknown[]): Promise<void>;
  /** `count(*)` of a table, optionally with a WHERE clause (`$1`… are `params`). */
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** `url` is read when the first statement runs (after beforeAll has made the database). */
export function testDb(url: string | (() => string)): TestDb {
  let client: Promise<pg.Client> | undefined;
  const connection = (): Promise<pg.Client> => {
    client ??= (async () => {
      const c = new pg.Client({
        connectionString: typeof url === 'string' ? url : url(),
        application_name: 'kgdb-test',
      });
      // The database may be dropped under it at the end of a file; that is not a failure.
      c.on('error', () => undefined);
      await c.connect();
      return c;
    })();
    return client;
  };
  const rows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
    (await (await connection()).query<T>(sql, params)).rows;
  return {
    rows,
    async one<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      const [first] = await rows<T>(sql, params);
      if (first === undefined) {
        throw new Error(`no row from: ${sql}`);
      }
      return first;
    },
    async exec(sql, params = []) {
      await (await connection()).query(sql, params);
    },
    async count(table, where, params = []) {
      const [row] = await rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`,
        params,
      );
      return row?.n ?? 0;
    },
    async close() {
      const pending = client;
      client = undefined;
      if (pending) {
        await (await pending).end();
      }
    },
  };
}
