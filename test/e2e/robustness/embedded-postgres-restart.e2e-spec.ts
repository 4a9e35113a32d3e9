import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from '../../../src/database/free-port.js';
import { type AppProcess, spawnApp, waitForStatus } from '../../support/app-process.js';
import { eventually } from '../../support/wait.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  // Read, not checked then read: a restarting postmaster removes and rewrites the file,
  // and a check-then-read could see it vanish in between.
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Holds a TCP port on 127.0.0.1, retrying while its previous owner is still dying. */
async function occupy(port: number): Promise<Server> {
  for (let attempt = 0; ; attempt++) {
    // Connections (the app's pools trying to reach their database) are dropped at once.
    const server = createServer((socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      return server;
    } catch (error) {
      if (attempt >= 100) {
        throw error;
      }
      await sleep(20);
    }
  }
}

describe('the embedded PostgreSQL under supervision', () => {
  let root: string;
  let app: AppProcess | undefined;
  let pgDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kgdb-supervise-'));
    // The server runs as the postgres user when tests run as root; let it reach the folder.
    await chmod(root, 0o755);
  });
  afterEach(async () => {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    const pid = pgDir ? await postmasterPid(pgDir) : undefined;
    if (pid !== undefined && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function startApp(name: string): Promise<{ app: AppProcess; pgPort: number }> {
    pgDir = join(root, name);
    const pgPort = await freePort();
    const started = spawnApp(
      { EMBEDDED_PG_DATA_DIR: pgDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info' },
      await freePort(),
    );
    app = started;
    await waitForStatus(started, '/health/ready');
    return { app: started, pgPort };
  }

  it('restarts a postmaster killed with SIGKILL, and the database routes answer again', async () => {
    const { app } = await startApp('killed');
    await waitForStatus(app, '/version');
    const killed = await postmasterPid(pgDir);
    expect(killed).toBeDefined();

    process.kill(killed!, 'SIGKILL');
    expect(await eventually(() => !isAlive(killed!), 5_000)).toBe(true);

    // A new postmaster on the same data folder and port, started by the app...
    expect(
      await eventually(async () => {
        const pid = await postmasterPid(pgDir);
        return pid !== undefined && pid !== killed && isAlive(pid);
      }, 30_000),
    ).toBe(true);
    // ...and the routes that read the database recover without restarting the app.
    await waitForStatus(app, '/version');
    await waitForStatus(app, '/health/ready');
    await waitForStatus(app, '/health/live');
    expect(app.output()).toContain(`embedded PostgreSQL (pid ${killed}) exited unexpectedly`);
    expect(app.output()).toContain('embedded PostgreSQL restarted');
  });

  it('ends the app (exit code 1) when the embedded server cannot be restarted', async () => {
    const { app, pgPort } = await startApp('unrestartable');
    const killed = (await postmasterPid(pgDir))!;
    process.kill(killed, 'SIGKILL');
    // Something else takes the port: every restart attempt fails.
    const squatter = await occupy(pgPort);
    try {
      expect(await app.exited).toBe(1);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    expect(app.output()).toMatch(/restart attempt \d+ of \d+ failed/);
    expect(app.output()).toContain('could not be restarted after');
    expect(app.output()).toContain('"level":"fatal"');
  }, 120_000);
});
