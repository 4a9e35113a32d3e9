import { pipeline } from 'node:stream';

import type { Logger } from '@nestjs/common';
import type { Response } from 'express';

import { EXPORT_MEDIA_TYPES, exportFilename, type ExportFormat } from './export-formats.js';
import type { GeneTableStream } from './gene-export.service.js';

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
  pipeline(body, res, (error) => {
    if (!error) {
      return;
    }
    if (body.databaseFailure) {
      logger.error(
        { err: body.databaseFailure },
        'gene export failed mid-stream; response aborted',
      );
    } else {
      logger.log({ reason: error.message }, 'gene export ended early: the client went away');
    }
  });
}
