// Integration tier: the parse runs in a worker thread loaded from dist/, so it needs the build.
import { HttpStatus } from '@nestjs/common';

import type { ParseRequest } from '../../../src/uploads/parse-upload.js';
import { UploadsBusyError } from '../../../src/uploads/upload.errors.js';
import {
  MAX_WAITING_PARSES,
  PARALLEL_PARSES,
  parseInWorker,
} from '../../../src/uploads/upload-parse.runner.js';
import { testUploadLimits } from '../../factories/upload-limits.js';

const LIMITS = testUploadLimits();

const request = (symbol: string): ParseRequest => ({
  content: Buffer.from(`symbol,panels\n${symbol},Cystic\n`),
  format: 'csv',
  source: 'DiagnosticPanels',
  identifier: 'Lab',
  limits: LIMITS,
});

describe('parseInWorker queue', () => {
  it('refuses an upload at once (503, Retry-After) when both slots are busy and four wait', async () => {
    const accepted = Array.from({ length: PARALLEL_PARSES + MAX_WAITING_PARSES }, (_, i) =>
      parseInWorker(request(`PKD${i + 1}`)),
    );
    const refused = await parseInWorker(request('UMOD')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UploadsBusyError);
    const busy = refused as UploadsBusyError;
    expect(busy.status).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(busy.code).toBe('UPLOADS_BUSY');
    expect(busy.headers).toEqual({ 'Retry-After': '5' });
    expect(busy.details).toEqual({ retry_after_seconds: 5 });

    // Those already queued are all read, in turn.
    const parsed = await Promise.all(accepted);
    expect(parsed.map((p) => p.records[0]?.symbol)).toEqual(
      Array.from({ length: PARALLEL_PARSES + MAX_WAITING_PARSES }, (_, i) => `PKD${i + 1}`),
    );
    // With the queue drained the next upload is read again.
    expect((await parseInWorker(request('UMOD'))).records[0]?.symbol).toBe('UMOD');
  }, 60_000);
});
