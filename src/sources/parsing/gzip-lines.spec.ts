import { gzipSync } from 'node:zlib';

import { UpstreamPayloadError } from '../upstream/upstream.errors.js';
import { gunzipLines, textLines } from './gzip-lines.js';

/** The bytes as a body arriving in pieces of `size` bytes. */
async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
  }
}

async function lines(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const all: string[] = [];
  await gunzipLines(body, 'test file', (batch) => all.push(...batch));
  return all;
}

describe('gunzipLines', () => {
  it('splits lines across chunk boundaries, with CRLF and a missing final newline', async () => {
    const text = 'protein1 protein2\r\nÄ 1\n\nlast line';
    expect(await lines(pieces(gzipSync(text), 3))).toEqual([
      'protein1 protein2',
      'Ä 1',
      '',
      'last line',
    ]);
  });

  it('gives no line for an empty file and drops only the final newline', async () => {
    expect(await lines(pieces(gzipSync(''), 5))).toEqual([]);
    expect(await lines(pieces(gzipSync('a\n'), 5))).toEqual(['a']);
  });

  it('reports a cut gzip stream and a body that is not gzip as payload errors', async () => {
    const whole = gzipSync('a\nb\n'.repeat(1000));
    await expect(lines(pieces(whole.subarray(0, whole.length - 10), 64))).rejects.toThrow(
      UpstreamPayloadError,
    );
    await expect(lines(pieces(Buffer.from('a b c\n'), 64))).rejects.toThrow(
      /test file is not a complete gzip file/,
    );
  });

  it('passes errors of the body through unchanged', async () => {
    const broken = async function* () {
      yield gzipSync('a\n'.repeat(100)).subarray(0, 20);
      throw new Error('connection reset');
    };
    await expect(lines(broken())).rejects.toThrow('connection reset');
  });
});

describe('textLines', () => {
  it('splits plain text across chunk boundaries, inside a multi-byte character too', async () => {
    const all: string[] = [];
    const text = 'ncbi_gene_id\tgene_symbol\r\n5310\tPKD1 Ä\n\nlast';
    await textLines(pieces(Buffer.from(text), 1), (batch) => all.push(...batch));
    expect(all).toEqual(['ncbi_gene_id\tgene_symbol', '5310\tPKD1 Ä', '', 'last']);
  });
});
