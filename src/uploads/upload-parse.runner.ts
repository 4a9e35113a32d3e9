import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { ParsedUpload, ParseRequest } from './parse-upload.js';
import { UploadsBusyError } from './upload.errors.js';
import { PARSE_WORKER_HEAP_MB, UploadLimitExceeded } from './upload-limits.js';
import type { WorkerReply } from './upload-parse.worker.js';
import { UnreadableUploadError } from './upload-parser.js';

/** Uploads parsed at once; more wait their turn, so parsing never takes every core. */
export const PARALLEL_PARSES = 2;
/**
 * Uploads waiting for a parse slot; one more is refused (503 UPLOADS_BUSY) rather than
 * queued, since each holds its file (up to UPLOAD_MAX_MB) while it waits.
 */
export const MAX_WAITING_PARSES = 4;
/** What a refused upload is told to wait: a typical parse takes a few seconds. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * The compiled worker module. Beside this file in dist/; when this file is the
 * TypeScript source (jest runs src through swc), the build's copy: `npm test` builds first.
 */
function workerFile(): URL {
  const here = import.meta.url;
  const file = here.endsWith('.ts')
    ? new URL('../../dist/src/uploads/upload-parse.worker.js', here)
    : new URL('./upload-parse.worker.js', here);
  if (!existsSync(fileURLToPath(file))) {
    throw new Error(`the upload parser ${fileURLToPath(file)} is missing; run npm run build`);
  }
  return file;
}

let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running < PARALLEL_PARSES) {
    running += 1;
  } else if (waiting.length >= MAX_WAITING_PARSES) {
    throw new UploadsBusyError(waiting.length, BUSY_RETRY_AFTER_SECONDS);
  } else {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, or is given back.
    const next = waiting.shift();
    if (next) {
      next();
    } else {
      running -= 1;
    }
  }
}

/**
 * The bytes as the worker gets them: moved, not cloned (cloning 20 MB into workerData
 * holds this thread for over 100 ms, copying it still ~60 ms here). A buffer that owns
 * all of its memory (multer's file, a file read whole) is moved as it is and is empty
 * afterwards; a slice of a shared pool is copied first.
 */
function movable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes);
}

function fromReply(reply: WorkerReply): ParsedUpload {
  if (reply.ok) {
    return reply.upload;
  }
  if (reply.kind === 'limit') {
    throw new UploadLimitExceeded(reply.limit, reply.max, reply.message);
  }
  if (reply.kind === 'unreadable') {
    throw new UnreadableUploadError(reply.message);
  }
  throw new Error(`upload parser failed: ${reply.message}`);
}

function runWorker(request: ParseRequest): Promise<ParsedUpload> {
  return new Promise((resolve, reject) => {
    const content = movable(request.content);
    const worker = new Worker(workerFile(), {
      workerData: { ...request, content },
      transferList: [content.buffer as ArrayBuffer],
      resourceLimits: { maxOldGenerationSizeMb: PARSE_WORKER_HEAP_MB },
    });
    let settled = false;
    const settle = (outcome: () => ParsedUpload) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      try {
        resolve(outcome());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const timer = setTimeout(() => {
      settle(() => {
        throw new UploadLimitExceeded(
          'parse_time',
          request.limits.parseTimeoutMs,
          `reading the file took longer than ${request.limits.parseTimeoutMs} ms`,
        );
      });
    }, request.limits.parseTimeoutMs);
    worker.once('message', (reply: WorkerReply) => settle(() => fromReply(reply)));
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          throw new UploadLimitExceeded(
            'parse_memory',
            PARSE_WORKER_HEAP_MB,
            `reading the file needs more than ${PARSE_WORKER_HEAP_MB} MB of memory`,
          );
        }
        throw error;
      }),
    );
    worker.once('exit', (code) =>
      settle(() => {
        throw new Error(`upload parser exited (code ${code}) without an answer`);
      }),
    );
  });
}

/**
 * Parses an upload in a worker thread of its own, within the request's limits: the
 * event loop that answers requests (and liveness) never runs the parser, the worker's
 * heap is capped, and a worker past the time limit is stopped. With every slot taken
 * and MAX_WAITING_PARSES already waiting, it throws UploadsBusyError at once.
 */
export function parseInWorker(request: ParseRequest): Promise<ParsedUpload> {
  return inTurn(() => runWorker(request));
}
