import { AsyncResource } from 'node:async_hooks';
import { pipeline } from 'node:stream';

import type { Logger } from '@nestjs/common';
import type { Response } from 'express';

import { EXPORT_MEDIA_TYPES, exportFilename, type ExportFormat } from './export-formats.js';
import type { GeneTableStream } from './gene-export.service.js';

/** How a write to a client that disconnected fails. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

/**
 * Streams an export to the client as a dated attachment.
 *
 * Not cacheable (`Cache-Control: no-store`, no ETag): the body is produced while it is
 * sent, never held whole, and never goes through the response cache or its fast path.
 * Chunked: its length is unknown until the last row. If the database fails after the
 * headers went out, the connection is destroyed before the terminating chunk, so the
 * client sees an aborted transfer (curl: exit 18, browsers: a failed download), never a
 * file that looks complete. A client that goes away destroys the stream, which returns
 * the cursor's connection to the pool.
 */
export function sendExport(
  res: Response,
  body: GeneTableStream,
  format: ExportFormat,
  logger: Logger,
): void {
  res.status(200);
  res.setHeader('Content-Type', `${EXPORT_MEDIA_TYPES[format]}; charset=utf-8`);
  res.setHeader('Content-Disposition', `attachment; filename="${exportFilename(format)}"`);
  res.setHeader('Cache-Control', 'no-store');
  // The callback runs from socket events: bound to the request's async context, its log
  // line carries the request id like every other line of the request.
  pipeline(
    body,
    res,
    AsyncResource.bind((error: NodeJS.ErrnoException | null) => {
      if (error) {
        logEarlyEnd(error, body, logger);
      }
    }),
  );
}

/** A client leaving is routine (info); anything else is a failure worth an error line. */
function logEarlyEnd(error: Error, body: GeneTableStream, logger: Logger): void {
  const code = (error as { code?: string }).code ?? '';
  if (!body.databaseFailure && CLIENT_GONE.has(code)) {
    logger.log({ reason: code }, 'gene export ended early: the client went away');
  } else {
    logger.error(
      { err: body.databaseFailure ?? error },
      'gene export failed mid-stream; response aborted',
    );
  }
}
