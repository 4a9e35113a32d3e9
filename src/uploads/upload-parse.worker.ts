import { parentPort, workerData } from 'node:worker_threads';

import { type ParsedUpload, type ParseRequest, parseUpload } from './parse-upload.js';
import { UploadLimitExceeded, type UploadLimitName } from './upload-limits.js';
import { UnreadableUploadError } from './upload-parser.js';

/**
 * Worker thread entry: parses one upload (`workerData`) off the request event loop and
 * posts the result, or the reason it was refused, back once.
 */
export type WorkerReply =
  | { ok: true; upload: ParsedUpload }
  | { ok: false; kind: 'limit'; limit: UploadLimitName; max: number; message: string }
  | { ok: false; kind: 'unreadable' | 'failed'; message: string };

function replyFor(error: unknown): WorkerReply {
  if (error instanceof UploadLimitExceeded) {
    return { ok: false, kind: 'limit', limit: error.limit, max: error.max, message: error.message };
  }
  if (error instanceof UnreadableUploadError) {
    return { ok: false, kind: 'unreadable', message: error.message };
  }
  return { ok: false, kind: 'failed', message: (error as Error)?.message ?? String(error) };
}

let reply: WorkerReply;
try {
  reply = { ok: true, upload: await parseUpload(workerData as ParseRequest) };
} catch (error) {
  reply = replyFor(error);
}
parentPort!.postMessage(reply);
