import { createHash } from 'node:crypto';

import { ChunkedFileWriter, releaseFileName } from './release-files.js';

describe('ChunkedFileWriter', () => {
  it('cuts the bytes into chunks of the given size, in order, and hashes all of them', async () => {
    const stored: { seq: number; data: Buffer }[] = [];
    const w = new ChunkedFileWriter(
      'csv',
      'x.csv',
      async (seq, data) => {
        stored.push({ seq, data: Buffer.from(data) });
      },
      8,
    );
    // Multi-byte characters straddle chunk boundaries: bytes are cut, not characters.
    const parts = ['abc', 'défghijklmnop', '', 'q', 'ü€'.repeat(5)];
    for (const p of parts) {
      await w.write(p);
    }
    const file = await w.end();
    const expected = Buffer.from(parts.join(''), 'utf8');
    expect(stored.map((s) => s.seq)).toEqual(stored.map((_, i) => i));
    expect(stored.slice(0, -1).every((s) => s.data.length === 8)).toBe(true);
    expect(Buffer.concat(stored.map((s) => s.data)).equals(expected)).toBe(true);
    expect(file).toMatchObject({
      size: expected.length,
      chunkCount: stored.length,
      sha256: createHash('sha256').update(expected).digest('hex'),
      contentType: 'text/csv; charset=utf-8',
    });
  });

  it('stores one empty chunk for an empty file', async () => {
    const stored: Buffer[] = [];
    const file = await new ChunkedFileWriter('tsv', 'x.tsv', async (_s, d) => {
      stored.push(d);
    }).end();
    expect(stored).toEqual([Buffer.alloc(0)]);
    expect(file).toMatchObject({ size: 0, chunkCount: 1 });
  });

  it('names files after the release version', () => {
    expect(releaseFileName('2025.10', 'json')).toBe('kidney-genetics-db_2025.10.json');
    expect(releaseFileName('2025.10', 'csv')).toBe('kidney-genetics-db_2025.10_genes.csv');
    expect(releaseFileName('2025.10', 'manifest')).toBe('kidney-genetics-db_2025.10_manifest.json');
  });
});
