import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { catchError, from, mergeAll, type Observable, throwError } from 'rxjs';

import { AppConfig } from '../config/index.js';
import { UploadTooLargeError } from './upload.errors.js';
import { megabytes, UPLOAD_FORM_LIMITS, UploadLimitExceeded } from './upload-limits.js';

/** multer's codes for a form with too many or too large parts. */
const FORM_LIMIT_CODES = new Set([
  'LIMIT_FILE_COUNT',
  'LIMIT_FIELD_COUNT',
  'LIMIT_PART_COUNT',
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_KEY',
]);

/**
 * Receives the upload form's `file` (in memory) under the configured size limit and
 * bounded numbers of files, fields and parts. Over any of them the request ends with 413
 * in the error envelope, naming the limit.
 */
@Injectable()
export class UploadFileInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor;
  private readonly maxFileBytes: number;

  constructor(config: AppConfig) {
    this.maxFileBytes = config.uploads.maxFileBytes;
    const Multer = FileInterceptor('file', {
      limits: { ...UPLOAD_FORM_LIMITS, fileSize: this.maxFileBytes },
    });
    this.multer = new Multer();
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(Promise.resolve(this.multer.intercept(context, next))).pipe(
      mergeAll(),
      catchError((error: unknown) => throwError(() => this.overLimit(error) ?? error)),
    );
  }

  private overLimit(error: unknown): UploadTooLargeError | null {
    if (!(error instanceof HttpException)) {
      return null;
    }
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (code === 'LIMIT_FILE_SIZE') {
      return new UploadTooLargeError(
        new UploadLimitExceeded(
          'file_size',
          this.maxFileBytes,
          `the file is larger than ${megabytes(this.maxFileBytes)}`,
        ),
      );
    }
    if (typeof code === 'string' && FORM_LIMIT_CODES.has(code)) {
      const { files, fields, parts, fieldSize } = UPLOAD_FORM_LIMITS;
      return new UploadTooLargeError(
        new UploadLimitExceeded(
          'form_parts',
          parts,
          `the form is over its limits (${files} file, ${fields} fields, ${parts} parts, ${fieldSize} bytes per field)`,
        ),
      );
    }
    return null;
  }
}
