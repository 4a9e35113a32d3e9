import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import pg from 'pg';

import { freePort } from '../../../src/database/free-port.js';
import { type AppProcess, spawnApp, spawnNode, waitForStatus } from '../../support/app-process.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs an ES module script in a fresh Node process; resolves with its exit code and output. */
async function runScript(source: string): Promise<{ code: number | string; output: string }> {
  const node = spawnNode(['--input-type=module', '-e', source]);
  return { code: await node.exited, output: node.output() };
}

describe('the app as a process', () => {
  it('keeps running after a promise rejection nobody handled, and logs it', async () => {
    // The compiled module, as the app process loads it.
    const policy = pathToFileURL(resolve('dist/src/common/lifecycle/process-faults.js')).href;
    const script = (install: boolean) => `
      import { pino } from 'pino';
      import { installProcessFaultPolicy } from '${policy}';
      if (${install}) installProcessFaultPolicy(process, {
        logger: pino(), shutdown: async () => undefined, shutdownTimeoutMs: 1000,
      });
      void Promise.reject(new Error('nobody awaits this'));
      setTimeout(() => console.log('still running'), 100);`;
    // Node's own default ends the process: the policy is what keeps it up.
    const without = await runScript(script(false));
    expect(without.code).not.toBe(0);
    expect(without.output).not.toContain('still running');
    const withPolicy = await runScript(script(true));
    expect(withPolicy.code).toBe(0);
    expect(withPolicy.output).toContain('still running');
    expect(withPolicy.output).toContain('"fault":"unhandled_rejection"');
    expect(withPolicy.output).toContain('nobody awaits this');
  });

  it('refuses to start on invalid configuration and names the variable', async () => {
    const app = spawnApp({ LOG_LEVEL: 'chatty', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }, 0);
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('LOG_LEVEL:');
  });

  describe('with the embedded database', () => {
    let dataDir: string;
    let env: Record<string, string>;
    let port: number;
    let app: AppProcess | undefined;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'kgdb-process-'));
      // The server runs as the postgres user when tests run as root; let it reach the folder.
      await chmod(dataDir, 0o755);
      const pgPort = await freePort();
      port = await freePort();
      env = { EMBEDDED_PG_DATA_DIR: join(dataDir, 'pg'), EMBEDDED_PG_PORT: String(pgPort) };
    });

    afterAll(async () => {
      if (app && app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
      const pidFile = join(env.EMBEDDED_PG_DATA_DIR, 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
        if (isAlive(pid)) {
          process.kill(pid, 'SIGINT');
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    });

    async function embeddedClient(): Promise<pg.Client> {
      // The superuser password is generated per data folder and kept beside it.
      const password = (await readFile(`${env.EMBEDDED_PG_DATA_DIR}.password`, 'utf8')).trim();
      const client = new pg.Client({
        host: '127.0.0.1',
        port: Number(env.EMBEDDED_PG_PORT),
        user: 'postgres',
        password,
        database: 'kidney_genetics',
      });
      await client.connect();
      return client;
    }

    it('starts from nothing, keeps data across a graceful restart and survives SIGKILL', async () => {
      app = spawnApp(env, port);
      await waitForStatus(app, '/health/ready');
      const client = await embeddedClient();
      await client.query('CREATE TABLE restart_marker (note text)');
      await client.query("INSERT INTO restart_marker VALUES ('kept')");
      await client.end();

      // Graceful stop: Nest closes everything, then re-raises the signal; the embedded
      // server is stopped with it (its pid file is gone).
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe('SIGTERM');
      expect(existsSync(join(env.EMBEDDED_PG_DATA_DIR, 'postmaster.pid'))).toBe(false);

      app = spawnApp(env, port);
      await waitForStatus(app, '/health/ready');
      const pid = Number(
        (await readFile(join(env.EMBEDDED_PG_DATA_DIR, 'postmaster.pid'), 'utf8')).split('\n')[0],
      );

      // SIGKILL leaves the postmaster running; the next start must cope with it.
      app.child.kill('SIGKILL');
      await app.exited;
      expect(isAlive(pid)).toBe(true);

      app = spawnApp(env, port);
      await waitForStatus(app, '/health/ready');
      const after = await embeddedClient();
      const { rows } = await after.query<{ note: string }>('SELECT note FROM restart_marker');
      await after.end();
      expect(rows).toEqual([{ note: 'kept' }]);

      app.child.kill('SIGTERM');
      expect(await app.exited).toBe('SIGTERM');
    });
  });
});
