import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  generatePassword,
  passwordFileFor,
  readPasswordFile,
  writePasswordFile,
} from './embedded-credentials.js';

describe('the embedded superuser password file', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kgdb-pwfile-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is written with mode 0600 beside the data folder and read back', async () => {
    const file = passwordFileFor(join(root, 'pg'));
    expect(file).toBe(join(root, 'pg.password'));
    const password = generatePassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generatePassword()).not.toBe(password);
    await writePasswordFile(file, password);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(`${password}\n`);
    expect(await readPasswordFile(file, () => undefined)).toBe(password);
  });

  it('is absent, or empty, means: no password yet', async () => {
    const warnings: string[] = [];
    expect(await readPasswordFile(join(root, 'none'), (m) => warnings.push(m))).toBeUndefined();
    await writeFile(join(root, 'empty'), '\n');
    expect(await readPasswordFile(join(root, 'empty'), (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('holds no password')]);
  });

  it('readable by others counts as exposed: no password, so a new one is generated and set', async () => {
    const file = join(root, 'open.password');
    await writeFile(file, 'exposed-value\n');
    await chmod(file, 0o640);
    const warnings: string[] = [];
    expect(await readPasswordFile(file, (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('was readable by other users (mode 640)')]);
    expect(warnings[0]).toContain('new one is generated and set');
  });

  it('a symlink is refused, and the file it points to is left as it is', async () => {
    const target = join(root, 'elsewhere');
    await writeFile(target, 'planted-value\n');
    await chmod(target, 0o644);
    const file = join(root, 'pg.password');
    await symlink(target, file);
    await expect(readPasswordFile(file, () => undefined)).rejects.toThrow(
      `${file} is a symbolic link`,
    );
    expect((await stat(target)).mode & 0o777).toBe(0o644);
  });
});
