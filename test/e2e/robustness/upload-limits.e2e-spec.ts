import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from '../../../src/database/free-port.js';
import { repeated, sheetRow, workbook } from '../../factories/xlsx-files.js';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from '../../support/app-factory.js';
import { type AppProcess, spawnApp, waitForStatus } from '../../support/app-process.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

/**
 * The uploads of issue 18 (item 3) against the real process: each is refused with 413
 * naming the limit (or, for repeated symbols, stored as one gene) while a concurrent
 * liveness probe keeps answering, and the pool is healthy afterwards.
 */

interface ProbeResult {
  answered: number;
  failed: number;
}

/** Polls /health/live until stopped; a probe that takes over 2 s counts as failed. */
function probeLiveness(baseUrl: string): { stop(): Promise<ProbeResult> } {
  const result: ProbeResult = { answered: 0, failed: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${baseUrl}/health/live`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          result.answered += 1;
        } else {
          result.failed += 1;
        }
      } catch {
        result.failed += 1;
      }
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return result;
    },
  };
}

interface ErrorBody {
  error: { code: string; message: string; details?: { limit?: string; variable?: string } };
}

describe('upload limits (issue 18, item 3)', () => {
  let database: TestDatabase;
  let app: AppProcess;
  const db = testDb(() => database.url);
  let bearer: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = spawnApp(
      {
        DATABASE_URL: database.url,
        JWT_SECRET: TEST_JWT_SECRET,
        ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        HGNC_NORMALIZE: 'false',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      await freePort(),
    );
    await waitForStatus(app, '/health/ready');
    const res = await fetch(`${app.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    bearer = ((await res.json()) as { access_token: string }).access_token;
  }, 60_000);

  afterAll(async () => {
    await db.close();
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
    await database?.drop();
  });

  function post(form: FormData): Promise<Response> {
    return fetch(`${app.baseUrl}/api/ingestion/DiagnosticPanels/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}` },
      body: form,
    });
  }

  function fileForm(content: Buffer | string, name: string, identifier?: string): FormData {
    const form = new FormData();
    if (identifier) {
      form.append('identifier', identifier);
    }
    form.append('file', new Blob([content]), name);
    return form;
  }

  /** Uploads while probing liveness; returns the answer and what the probe saw. */
  async function uploadWhileProbing(form: FormData) {
    const probe = probeLiveness(app.baseUrl);
    const res = await post(form);
    const body: unknown = await res.json();
    return { status: res.status, body, probe: await probe.stop() };
  }

  /**
   * After an upload: ready, nothing left in a transaction and (unless a statement failed:
   * its log line is the logger's business) no log line carrying the file's data.
   */
  async function expectHealthyAfterwards(checkLog = true): Promise<void> {
    expect((await fetch(`${app.baseUrl}/health/ready`)).status).toBe(200);
    const idle = await db.rows<{ state: string }>(
      `SELECT state FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
    );
    expect(idle).toEqual([]);
    if (!checkLog) {
      return;
    }
    const longest = Math.max(
      0,
      ...app
        .output()
        .split('\n')
        .map((l) => l.length),
    );
    expect(longest).toBeLessThan(64 * 1024);
  }

  const storedUploads = (): Promise<number> => db.count('evidence_uploads');

  it('refuses a 0.3 MB workbook whose one cell inflates to 300 MB, liveness answering', async () => {
    const bomb = await workbook({
      rows: [sheetRow(1, ['symbol']), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
      sharedStrings: ['<si><t>', ...repeated('A', 300 * 1024 * 1024), '</t></si>'],
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const { status, body, probe } = await uploadWhileProbing(fileForm(bomb, 'bomb.xlsx', 'Lab'));
    expect(probe.failed).toBe(0);
    expect(status).toBe(413);
    expect((body as ErrorBody).error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { limit: 'decompressed_size', variable: 'UPLOAD_MAX_DECOMPRESSED_MB' },
    });
    expect(probe.answered).toBeGreaterThan(0);
    await expectHealthyAfterwards();
    expect(await storedUploads()).toBe(0);
  }, 180_000);

  /** The app's resident memory now (kB), its peak since then reset to it (Linux). */
  function resetPeakMemory(): number {
    writeFileSync(`/proc/${app.child.pid}/clear_refs`, '5');
    return memoryKb('VmRSS');
  }

  function memoryKb(field: 'VmRSS' | 'VmHWM'): number {
    const status = readFileSync(`/proc/${app.child.pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  }

  it('refuses a 0.4 MB workbook hiding a 400 MB entry from its directory, memory flat', async () => {
    const file = await workbook({
      rows: [sheetRow(1, ['symbol']), sheetRow(2, ['PKD1'])],
      extraParts: [
        { name: 'xl/padding.xml', chunks: repeated('A', 400 * 1024 * 1024), hidden: true },
      ],
    });
    expect(file.length).toBeLessThan(1024 * 1024);
    const before = resetPeakMemory();
    const { status, body, probe } = await uploadWhileProbing(fileForm(file, 'hidden.xlsx', 'Lab'));
    const growthMb = (memoryKb('VmHWM') - before) / 1024;
    expect(probe.failed).toBe(0);
    // Before the fix the reader allocated the hidden entry's 400 MB outside the worker's heap.
    expect(growthMb).toBeLessThan(200);
    expect(status).toBe(400);
    expect((body as ErrorBody).error).toMatchObject({
      code: 'UPLOAD_UNUSABLE',
      message: expect.stringMatching(/central directory/) as unknown,
    });
    await expectHealthyAfterwards();
    expect(await storedUploads()).toBe(0);
  }, 180_000);

  it('refuses a workbook of a million rows, liveness answering', async () => {
    const rows = (function* () {
      yield sheetRow(1, ['symbol', 'panels']);
      for (let i = 2; i <= 1_000_001; i++) {
        yield sheetRow(i, [`ZQX${i}`, 'Kidney panel']);
      }
    })();
    const file = await workbook({ rows });
    const { status, body, probe } = await uploadWhileProbing(fileForm(file, 'rows.xlsx', 'Lab'));
    expect(probe.failed).toBe(0);
    expect(status).toBe(413);
    expect(['rows', 'decompressed_size']).toContain((body as ErrorBody).error.details?.limit);
    expect(probe.answered).toBeGreaterThan(0);
    await expectHealthyAfterwards();
    expect(await storedUploads()).toBe(0);
  }, 180_000);

  it('refuses a 20 MB CSV of 900,000 rows at the row limit, the pool left healthy', async () => {
    const lines = ['symbol,panels'];
    for (let i = 0; lines.length < 900_000; i++) {
      lines.push(`ZQX${i},Kidney panel`);
    }
    const csv = lines.join('\n');
    expect(csv.length).toBeGreaterThan(19 * 1024 * 1024);
    const { status, body, probe } = await uploadWhileProbing(fileForm(csv, 'big.csv', 'Lab'));
    expect(probe.failed).toBe(0);
    expect(status).toBe(413);
    expect((body as ErrorBody).error.details).toMatchObject({
      limit: 'rows',
      variable: 'UPLOAD_MAX_ROWS',
    });
    await expectHealthyAfterwards();
    expect(await storedUploads()).toBe(0);
  }, 180_000);

  it('refuses 300,000 copies of one symbol, and stores 90,000 copies as one gene', async () => {
    const copies = (n: number) =>
      JSON.stringify({ provider_name: 'Copy Lab', genes: Array.from({ length: n }, () => 'PKD1') });
    const many = await uploadWhileProbing(fileForm(copies(300_000), 'copies.json'));
    expect(many.status).toBe(413);
    expect((many.body as ErrorBody).error.details?.limit).toBe('rows');
    expect(many.probe.failed).toBe(0);

    const fewer = await uploadWhileProbing(fileForm(copies(90_000), 'copies.json'));
    expect(fewer.status).toBe(201);
    expect((fewer.body as { data: Record<string, unknown> }).data).toMatchObject({
      rows: 90_000,
      genes: 1,
      staged: 1,
    });
    expect(fewer.probe.failed).toBe(0);
    await expectHealthyAfterwards();
    expect(await storedUploads()).toBe(1);
  }, 180_000);

  it('refuses more distinct genes than UPLOAD_MAX_GENES and a form with two files', async () => {
    const csv = ['symbol', ...Array.from({ length: 25_001 }, (_, i) => `ZQX${i}`)].join('\n');
    const genes = await uploadWhileProbing(fileForm(csv, 'genes.csv', 'Lab'));
    expect(genes.status).toBe(413);
    expect((genes.body as ErrorBody).error.details?.limit).toBe('genes');

    const twoFiles = fileForm('symbol\nPKD1\n', 'a.csv', 'Lab');
    twoFiles.append('file', new Blob(['symbol\nPKD2\n']), 'b.csv');
    const res = await post(twoFiles);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.details?.limit).toBe('form_parts');
    await expectHealthyAfterwards();
  }, 180_000);

  it('rolls back and releases the connection when a write fails mid-upload', async () => {
    await db.exec(`
      CREATE FUNCTION refuse_upload() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE TRIGGER refuse_upload BEFORE INSERT ON evidence_uploads
        FOR EACH ROW EXECUTE FUNCTION refuse_upload();`);
    try {
      const csv = ['symbol', ...Array.from({ length: 3_000 }, (_, i) => `ZQY${i}`)].join('\n');
      const res = await post(fileForm(csv, 'fails.csv', 'Failing Lab'));
      expect(res.status).toBe(500);
      await expectHealthyAfterwards(false);
      expect(await db.count('gene_staging', "original_text LIKE 'ZQY%'")).toBe(0);
    } finally {
      await db.exec('DROP TRIGGER refuse_upload ON evidence_uploads');
    }
    const res = await post(fileForm('symbol\nZQY1\n', 'works.csv', 'Failing Lab'));
    expect(res.status).toBe(201);
  }, 60_000);
});
