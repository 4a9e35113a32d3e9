import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import {
  besideDataDir,
  beginInitialisation,
  finishInitialisation,
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
    await writeFile(join(dir, 'PG_VERSION'), '18\n');
    await beginInitialisation(dir);
    expect(initialisationMarker(dir)).toBe(join(root, 'pg.initialising'));
    expect(await inspectDataDir(dir)).toEqual({ kind: 'interrupted' });
    await finishInitialisation(dir);
    expect(await inspectDataDir(dir)).toEqual({ kind: 'cluster' });

    // A marker whose folder is gone is dropped.
    await beginInitialisation(join(root, 'gone'));
    expect(await inspectDataDir(join(root, 'gone'))).toEqual({ kind: 'absent' });
    expect(existsSync(initialisationMarker(join(root, 'gone')))).toBe(false);
  });

  it('names files beside the folder, never inside it, whatever the trailing slash', () => {
    expect(besideDataDir('/srv/data/pg/', '.password')).toBe('/srv/data/pg.password');
    expect(besideDataDir('/srv/data/pg', '.password')).toBe('/srv/data/pg.password');
  });
});
