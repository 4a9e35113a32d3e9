import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

import { UpstreamPayloadError } from '../upstream/upstream.errors.js';

/**
 * Text in pieces → whole lines, a batch per piece; `last` flushes the final line, which
 * may lack its newline. `\r\n` endings are accepted.
 */
function lineSplitter(onLines: (lines: string[]) => void): (text: string, last: boolean) => void {
  let rest = '';
  return (text, last) => {
    const lines = (rest + text).split('\n');
    rest = last ? '' : lines.pop()!;
    if (last && lines.at(-1) === '') {
      lines.pop();
    }
    onLines(lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
  };
}

/**
 * The lines of a streamed plain-text body, handed to `onLines` a batch per chunk: memory
 * stays at one chunk plus a partial line whatever the file size.
 */
export async function textLines(
  body: AsyncIterable<Uint8Array>,
  onLines: (lines: string[]) => void,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const split = lineSplitter(onLines);
  for await (const chunk of body) {
    split(decoder.write(Buffer.from(chunk)), false);
  }
  split(decoder.end(), true);
}

/**
 * Gunzips a streamed body and hands its lines to `onLines` a batch at a time (one batch
 * per decompressed chunk, so a line callback is not an await per line). Memory stays at
 * one chunk plus a partial line whatever the file size; `\r\n` endings are accepted and
 * the last line may lack its newline. A body that is not gzip, or is cut short inside
 * the gzip stream, is an UpstreamPayloadError naming `what`; errors of the body itself
 * (a broken connection) and of `onLines` pass through unchanged.
 */
export async function gunzipLines(
  body: AsyncIterable<Uint8Array>,
  what: string,
  onLines: (lines: string[]) => void,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const split = lineSplitter(onLines);
  let sourceError: Error | undefined;
  const source = Readable.from(
    (async function* () {
      try {
        yield* body;
      } catch (error) {
        sourceError = error instanceof Error ? error : new Error(String(error));
        throw sourceError;
      }
    })(),
  );
  try {
    await pipeline(source, createGunzip(), async (unzipped: AsyncIterable<Buffer>) => {
      for await (const chunk of unzipped) {
        split(decoder.write(chunk), false);
      }
      split(decoder.end(), true);
    });
  } catch (error) {
    if (sourceError !== undefined) {
      throw sourceError;
    }
    if (isZlibError(error)) {
      throw new UpstreamPayloadError(`${what} is not a complete gzip file (${error.message})`);
    }
    throw error;
  }
}

function isZlibError(error: unknown): error is Error {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^Z_/.test(code);
}
