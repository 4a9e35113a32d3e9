import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { freePort } from '../../src/database/free-port.js';
import { startHttpApp } from './http-app.js';

/** The app's default pool (DB_POOL_SIZE), which the minimal handler gets too. */
export const POOL_SIZE = 10;

/** One statement a request ran, as the pg client was handed it. */
export interface CapturedStatement {
  text: string;
  values: unknown[];
}

/** Statements about the cache, logs and connections themselves, not the data a read needs. */
const BOOKKEEPING =
  /\b(cache_entries|cache_generations|system_logs|pgboss\.[a-z_]+)\b|^\s*(LISTEN|UNLISTEN|NOTIFY|SELECT pg_notify|SET |RESET |SHOW |BEGIN|COMMIT|ROLLBACK)/i;

/**
 * The data statements the real app runs to answer `path` once, uncached: every query its
 * pg clients are handed while that one request is in flight is recorded (cache, log and
 * session statements left out). The app must run in this process (see `startHttpApp`),
 * so that its pg is this module's pg, and `path` must be a miss.
 */
export async function captureStatements(
  appUrl: string,
  path: string,
): Promise<{ statements: CapturedStatement[]; body: Buffer }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: CapturedStatement[] = [];
  try {
    proto.query = function (this: unknown, ...args: unknown[]) {
      const [first, second] = args;
      const text =
        typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
      const values = Array.isArray(second)
        ? second
        : ((first as { values?: unknown[] } | undefined)?.values ?? []);
      if (typeof text === 'string' && !BOOKKEEPING.test(text)) {
        statements.push({ text, values });
      }
      return original.apply(this, args);
    };
    const res = await fetch(appUrl + path);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || res.headers.get('x-cache') !== 'MISS') {
      throw new Error(
        `${path}: expected an uncached 200, got ${res.status} ${res.headers.get('x-cache')}`,
      );
    }
    return { statements, body };
  } finally {
    proto.query = original;
  }
}

/** `captureStatements` on an app started here for the purpose (the bench's own is a process). */
export async function captureStatementsOnce(
  databaseUrl: string,
  path: string,
): Promise<{ statements: CapturedStatement[]; body: Buffer }> {
  const app = await startHttpApp(databaseUrl, { LOG_DB_LEVEL: 'silent' });
  try {
    await fetch(app.url + '/health/ready');
    return await captureStatements(app.url, path);
  } finally {
    await app.close();
  }
}

/**
 * A minimal `node:http` + `pg` server in its own process: every request runs `statements`
 * (in order, on a pool of `poolSize`) and answers `body` with the app's content type.
 */
export async function startSameSqlServer(
  databaseUrl: string,
  statements: CapturedStatement[],
  body: Buffer,
  poolSize: number,
): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kgdb-same-sql-'));
  await writeFile(join(dir, 'statements.json'), JSON.stringify(statements));
  await writeFile(join(dir, 'body.json'), body);
  const port = await freePort();
  const pgPath = JSON.stringify(new URL(import.meta.resolve('pg')).pathname);
  const script = `
    const fs = require('node:fs');
    const pg = require(${pgPath});
    const statements = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'statements.json'))}, 'utf8'));
    const body = fs.readFileSync(${JSON.stringify(join(dir, 'body.json'))});
    const pool = new pg.Pool({ connectionString: ${JSON.stringify(databaseUrl)}, max: ${poolSize} });
    require('node:http').createServer(async (req, res) => {
      try {
        for (const s of statements) await pool.query(s.text, s.values);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
        res.end(body);
      } catch (e) {
        res.writeHead(500);
        res.end(String(e));
      }
    }).listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
