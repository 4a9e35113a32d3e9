import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

import { childProcessEnv } from '../config/index.js';

/** What a spawned tool left on stderr is kept up to this size for the error message. */
const STDERR_KEEP = 4000;

export class ToolFailedError extends Error {}

/** The major version of a PostgreSQL client tool, or undefined when it cannot be run. */
export async function toolMajorVersion(path: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(path, ['--version'], {}, 10_000);
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A connection URL without its password, which goes to the tool through PGPASSWORD. */
export function splitPassword(url: string): { url: string; password?: string } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  return { url: parsed.toString(), password };
}

export interface DumpOptions {
  url: string;
  compressionLevel: number;
  /** Tables (schema-qualified) kept out of the archive entirely: the backup catalogue. */
  excludeTables: string[];
  /** Tables whose definition is dumped but not their rows. */
  excludeTableData: string[];
  excludeSchemas: string[];
  timeoutMs: number;
}

/** pg_dump in custom format, its stdout streamed into `file` (never held in memory). */
export async function pgDump(path: string, file: string, options: DumpOptions): Promise<void> {
  const { url, password } = splitPassword(options.url);
  const args = [
    '--format=custom',
    `--compress=${options.compressionLevel}`,
    '--no-owner',
    '--no-acl',
    ...options.excludeSchemas.map((s) => `--exclude-schema=${s}`),
    ...options.excludeTables.map((t) => `--exclude-table=${t}`),
    ...options.excludeTableData.map((t) => `--exclude-table-data=${t}`),
    `--dbname=${url}`,
  ];
  await run(path, args, { PGPASSWORD: password }, options.timeoutMs, file);
}

/** pg_restore of a whole custom-format archive in one transaction: all of it or nothing. */
export async function pgRestore(
  path: string,
  file: string,
  options: { url: string; timeoutMs: number },
): Promise<void> {
  const { url, password } = splitPassword(options.url);
  const args = [
    '--clean',
    '--if-exists',
    '--single-transaction',
    '--exit-on-error',
    '--no-owner',
    '--no-acl',
    `--dbname=${url}`,
    file,
  ];
  await run(path, args, { PGPASSWORD: password }, options.timeoutMs);
}

/**
 * Runs a tool with arguments (no shell), stdout to `stdoutFile` or collected, stderr kept
 * for the error; killed after `timeoutMs`.
 */
function run(
  path: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
  stdoutFile?: string,
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      env: childProcessEnv({ ...env, LC_MESSAGES: 'C' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    let timedOut = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
    });
    const written = stdoutFile
      ? pipeline(child.stdout, createWriteStream(stdoutFile))
      : new Promise<void>((done) => {
          child.stdout.on('data', (chunk: Buffer) => {
            stdout += chunk.toString();
          });
          child.stdout.on('end', done);
        });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      written.then(
        () => {
          if (code === 0) {
            resolve({ stdout });
            return;
          }
          const why = timedOut
            ? `timed out after ${Math.round(timeoutMs / 1000)} s`
            : `exited with ${code ?? signal}`;
          reject(new ToolFailedError(`${path} ${why}: ${stderr.trim()}`));
        },
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  });
}
