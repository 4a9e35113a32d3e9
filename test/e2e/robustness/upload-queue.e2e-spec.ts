import {
  MAX_WAITING_PARSES,
  PARALLEL_PARSES,
  parseInWorker,
} from '../../../src/uploads/upload-parse.runner.js';
import { testUploadLimits } from '../../factories/upload-limits.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';

/**
 * Issue 18, item 3: uploads waiting for a parse slot are bounded. With both slots busy and
 * MAX_WAITING_PARSES queued, an upload answers 503 UPLOADS_BUSY with Retry-After in the
 * error envelope at once, instead of holding its file until a slot frees.
 */

const FILLER_LIMITS = testUploadLimits({
  maxRows: 1_000_000,
  maxCellChars: 10_000,
  maxGenes: 1_000_000,
  parseTimeoutMs: 60_000,
});

/** A CSV whose parse keeps a slot busy for a while (100,000 distinct genes). */
function slowCsv(): Buffer {
  const lines = ['symbol,panels'];
  for (let i = 0; i < 100_000; i++) {
    lines.push(`ZQX${i},Kidney panel`);
  }
  return Buffer.from(lines.join('\n'));
}

describe('upload parse queue (issue 18, item 3)', () => {
  let t: TestApp;
  let curator: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
  });
  afterAll(() => t.close());

  const upload = () =>
    t
      .http()
      .post('/api/ingestion/DiagnosticPanels/upload')
      .set('Authorization', `Bearer ${curator}`)
      .field('identifier', 'Queue Lab')
      .attach('file', Buffer.from('symbol\nPKD1\n'), 'genes.csv');

  it('answers 503 UPLOADS_BUSY with Retry-After while the queue is full, 201 once it drains', async () => {
    const content = slowCsv();
    const fillers = Array.from({ length: PARALLEL_PARSES + MAX_WAITING_PARSES }, () =>
      parseInWorker({
        content: Buffer.from(content),
        format: 'csv',
        source: 'DiagnosticPanels',
        identifier: 'Filler',
        limits: FILLER_LIMITS,
      }),
    );
    const busy = await upload();
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('5');
    expect(busy.body.error).toMatchObject({
      status: 503,
      code: 'UPLOADS_BUSY',
      details: { retry_after_seconds: 5 },
      request_id: expect.any(String) as unknown,
    });

    const parsed = await Promise.all(fillers);
    expect(parsed.every((p) => p.records.length === 100_000)).toBe(true);
    await upload().expect(201);
  }, 120_000);
});
