import { compiledWorker, runWorker, WorkerSlots } from '../common/worker-task.js';
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

const slots = new WorkerSlots(
  PARALLEL_PARSES,
  MAX_WAITING_PARSES,
  (waiting) => new UploadsBusyError(waiting, BUSY_RETRY_AFTER_SECONDS),
);

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

async function parse(request: ParseRequest): Promise<ParsedUpload> {
  const content = movable(request.content);
  const reply = await runWorker(compiledWorker(import.meta.url, 'upload-parse.worker'), {
    workerData: { ...request, content },
    transferList: [content.buffer as ArrayBuffer],
    heapMb: PARSE_WORKER_HEAP_MB,
    timeoutMs: request.limits.parseTimeoutMs,
    onTimeout: () =>
      new UploadLimitExceeded(
        'parse_time',
        request.limits.parseTimeoutMs,
        `reading the file took longer than ${request.limits.parseTimeoutMs} ms`,
      ),
    onOutOfMemory: () =>
      new UploadLimitExceeded(
        'parse_memory',
        PARSE_WORKER_HEAP_MB,
        `reading the file needs more than ${PARSE_WORKER_HEAP_MB} MB of memory`,
      ),
  });
  return fromReply(reply as WorkerReply);
}

/**
 * Parses an upload in a worker thread of its own, within the request's limits: the
 * event loop that answers requests (and liveness) never runs the parser, the worker's
 * heap is capped, and a worker past the time limit is stopped. With every slot taken
 * and MAX_WAITING_PARSES already waiting, it throws UploadsBusyError at once.
 */
export function parseInWorker(request: ParseRequest): Promise<ParsedUpload> {
  return slots.run(() => parse(request));
}
