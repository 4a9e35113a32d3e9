import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  acquireInitialisationLock,
  beginInitialisation,
  besideDataDir,
  clearInterruptedAttempt,
  finishInitialisation,
  initialisationLockFile,
  initialisationMarker,
  inspectDataDir,
  refusal,
} from './embedded-data-dir.js';

describe('the embedded data folder policy', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kgdb-policy-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates in an absent or empty folder and starts a cluster', async () => {
    expect(await inspectDataDir(join(root, 'absent'))).toEqual({ kind: 'absent' });
    await mkdir(join(root, 'empty'));
    expect(await inspectDataDir(join(root, 'empty'))).toEqual({ kind: 'empty' });
    await mkdir(join(root, 'cluster'));
    await writeFile(join(root, 'cluster', 'PG_VERSION'), '18\n');
    expect(await inspectDataDir(join(root, 'cluster'))).toEqual({ kind: 'cluster' });
  });

  it('follows a symlink to a folder elsewhere', async () => {
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'elsewhere'), join(root, 'link'));
    expect(await inspectDataDir(join(root, 'link'))).toEqual({ kind: 'empty' });
  });

  it('calls anything else foreign, saying why', async () => {
    await mkdir(join(root, 'busy'));
    await writeFile(join(root, 'busy', 'notes.txt'), '');
    await mkdir(join(root, 'busy', 'lost+found'));
    expect(await inspectDataDir(join(root, 'busy'))).toEqual({
      kind: 'foreign',
      reason: expect.stringContaining('no PG_VERSION') as string,
    });
    await writeFile(join(root, 'file'), '');
    expect(await inspectDataDir(join(root, 'file'))).toEqual({
      kind: 'foreign',
      reason: 'it is not a folder',
    });
    expect(refusal('/srv/x', 'why').message).toContain('Set EMBEDDED_PG_DATA_DIR');
  });

  it('recognises only its own unfinished initdb, by the marker beside the folder', async () => {
    const dir = join(root, 'pg');
    await mkdir(dir);
    await mkdir(join(dir, 'base'));
    await beginInitialisation(dir);
    expect(initialisationMarker(dir)).toBe(join(root, 'pg.initialising'));
    expect(await inspectDataDir(dir)).toEqual({ kind: 'interrupted' });
    await finishInitialisation(dir);
    await writeFile(join(dir, 'PG_VERSION'), '18\n');
    expect(await inspectDataDir(dir)).toEqual({ kind: 'cluster' });

    // A marker whose folder is gone is dropped.
    await beginInitialisation(join(root, 'gone'));
    expect(await inspectDataDir(join(root, 'gone'))).toEqual({ kind: 'absent' });
    expect(existsSync(initialisationMarker(join(root, 'gone')))).toBe(false);
  });

  it('never clears a folder holding cluster files, whatever marker lies beside it', async () => {
    // A complete cluster with a stale or planted marker, and one with only pg_control.
    const complete = join(root, 'complete');
    await mkdir(join(complete, 'global'), { recursive: true });
    await writeFile(join(complete, 'PG_VERSION'), '18\n');
    await writeFile(join(complete, 'global', 'pg_control'), 'control');
    const controlOnly = join(root, 'control-only');
    await mkdir(join(controlOnly, 'global'), { recursive: true });
    await writeFile(join(controlOnly, 'global', 'pg_control'), 'control');
    for (const dir of [complete, controlOnly]) {
      await writeFile(initialisationMarker(dir), 'planted\n');
      expect(await inspectDataDir(dir)).toEqual({
        kind: 'foreign',
        reason: expect.stringContaining('holds PostgreSQL cluster files') as string,
      });
      // The clearing itself refuses too, whoever calls it.
      await expect(clearInterruptedAttempt(dir)).rejects.toThrow(/refusing to clear/);
    }
    expect((await readdir(complete)).sort()).toEqual(['PG_VERSION', 'global']);
    expect(await readFile(join(controlOnly, 'global', 'pg_control'), 'utf8')).toBe('control');
  });

  it('lets one process at a time create a cluster, by an exclusive lock file with its pid', async () => {
    const dir = join(root, 'pg');
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const lock = await acquireInitialisationLock(dir, warn);
    expect(initialisationLockFile(dir)).toBe(join(root, 'pg.init.lock'));
    expect(await readFile(initialisationLockFile(dir), 'utf8')).toBe(`${process.pid}\n`);
    // A second start (here, or the migration CLI) is refused while the first creates.
    await expect(acquireInitialisationLock(dir, warn)).rejects.toThrow(
      `another process (pid ${process.pid}) is creating the cluster in ${dir}`,
    );
    await lock.release();
    await lock.release();
    expect(existsSync(initialisationLockFile(dir))).toBe(false);

    // Held by another live process (this one's parent).
    await writeFile(initialisationLockFile(dir), `${process.ppid}\n`);
    await expect(acquireInitialisationLock(dir, warn)).rejects.toThrow(`pid ${process.ppid}`);
    // Left by a process that died: taken over, with a warning.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(initialisationLockFile(dir), `${dead}\n`);
    const taken = await acquireInitialisationLock(dir, warn);
    expect(await readFile(initialisationLockFile(dir), 'utf8')).toBe(`${process.pid}\n`);
    expect(warnings).toEqual([expect.stringContaining(`pid ${dead} is not running`)]);
    await taken.release();
  });

  it('names files beside the folder, never inside it, whatever the trailing slash', () => {
    expect(besideDataDir('/srv/data/pg/', '.password')).toBe('/srv/data/pg.password');
    expect(besideDataDir('/srv/data/pg', '.password')).toBe('/srv/data/pg.password');
  });
});
