import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Resolved from the project root, so the helper works from test/ and from dist/test/.
const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

export interface AppProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export type NodeProcess = Omit<AppProcess, 'baseUrl'>;

/** Runs Node with `args` as a child process, collecting stdout and stderr together. */
export function spawnNode(args: string[], env?: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = once(child, 'exit').then(([code, signal]) =>
    code === null ? String(signal) : (code as number),
  );
  return { child, output: () => output, exited };
}

/** Starts the compiled app (`npm test` builds first) as a real child process. */
export function spawnApp(env: Record<string, string>, port: number): AppProcess {
  const node = spawnNode([MAIN], {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_PRETTY: 'false',
    ...env,
    PORT: String(port),
  });
  return { ...node, baseUrl: `http://127.0.0.1:${port}` };
}

/** Polls a URL until it answers `status`; fails with the process output if it exits first. */
export async function waitForStatus(
  app: AppProcess,
  path: string,
  status = 200,
  pollMs = 100,
): Promise<void> {
  let exited = false;
  void app.exited.then(() => (exited = true));
  for (let attempt = 0; attempt < 30_000 / pollMs; attempt++) {
    if (exited) {
      throw new Error(`app exited before ${path} answered:\n${app.output()}`);
    }
    try {
      const res = await fetch(app.baseUrl + path);
      if (res.status === status) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  throw new Error(`${path} never answered ${status}:\n${app.output()}`);
}
