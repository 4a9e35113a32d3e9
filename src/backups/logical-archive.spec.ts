import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  ArchiveError,
  type ArchiveManifest,
  CopyDigest,
  openArchive,
  writeArchive,
} from './logical-archive.js';
import { splitPassword } from './pg-tools.js';

const manifest = (tables: ArchiveManifest['tables']): ArchiveManifest => ({
  format: ARCHIVE_FORMAT,
  version: ARCHIVE_VERSION,
  created_at: '2026-01-01T00:00:00.000Z',
  server_version: '18.0',
  migrations: ['Baseline1'],
  tables,
  excluded_data: ['system_logs'],
});

async function digest(text: string): Promise<CopyDigest> {
  const d = new CopyDigest();
  await pipeline([Buffer.from(text)], d, new Writable({ write: (_c, _e, done) => done() }));
  return d;
}

describe('logical archive', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kgdb-archive-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('counts COPY rows by their newlines (escaped newlines inside a value are not rows)', async () => {
    const d = await digest('1\tline one\\nstill one\n2\tsecond\n');
    expect(d.rows).toBe(2);
    expect(d.bytes).toBe(Buffer.byteLength('1\tline one\\nstill one\n2\tsecond\n'));
    expect(d.digest()).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([0, 9])(
    'writes the manifest first and reads the tables back (level %i)',
    async (level) => {
      const data = { genes: '1\tPKD1\n2\tPKD2\n', gene_evidence: '' };
      for (const [name, text] of Object.entries(data)) {
        await writeFile(join(dir, `${name}.copy`), text);
      }
      const m = manifest(
        await Promise.all(
          Object.entries(data).map(async ([name, text]) => {
            const d = await digest(text);
            return { name, columns: ['id', 'x'], rows: d.rows, bytes: d.bytes, sha256: d.digest() };
          }),
        ),
      );
      const file = join(dir, 'a.tar.gz');
      await writeArchive(file, m, (t) => join(dir, `${t}.copy`), level);
      const archive = await openArchive(file);
      expect(archive.manifest).toEqual(m);
      const read: Record<string, string> = {};
      for await (const { table, stream } of archive.tables()) {
        const chunks: Buffer[] = [];
        for await (const c of stream) {
          chunks.push(c);
        }
        read[table] = Buffer.concat(chunks).toString();
      }
      expect(read).toEqual(data);
    },
  );

  it('refuses a file that is not an archive', async () => {
    const file = join(dir, 'junk.tar.gz');
    await writeFile(file, 'not gzip at all');
    await expect(openArchive(file)).rejects.toBeInstanceOf(ArchiveError);
  });
});

describe('splitPassword', () => {
  it('takes the password out of the URL for PGPASSWORD', () => {
    expect(splitPassword('postgres://u:p%40ss@h:5432/db?sslmode=require')).toEqual({
      url: 'postgres://u@h:5432/db?sslmode=require',
      password: 'p@ss',
    });
    expect(splitPassword('postgres://u@h/db')).toEqual({ url: 'postgres://u@h/db' });
  });
});
