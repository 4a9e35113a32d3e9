import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { DatabasePoolRepository } from '../../../src/database/database-pool.repository.js';
import { GeneExportService } from '../../../src/genes/export/gene-export.service.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { testDb } from '../../support/test-db.js';
import { eventually } from '../../support/wait.js';

interface ListItem {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
}

/** RFC 4180 records (quoted cells may hold the delimiter, quotes and line breaks). */
function parseDelimited(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === delimiter) {
      record.push(cell);
      cell = '';
    } else if (c === '\n') {
      records.push([...record, cell]);
      record = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  expect(cell).toBe('');
  return records;
}

/** Records as objects keyed by the header. */
function table(text: string, delimiter: string): Record<string, string>[] {
  const [header, ...rows] = parseDelimited(text, delimiter);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const today = () => new Date().toISOString().slice(0, 10);

describe('genes export', () => {
  let t: TestApp;
  let ids: Map<string, number>;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ids = await seedGenes(t.app, [
      ...SCORING_DATASET,
      {
        symbol: 'FORMULA1',
        hgncId: 'HGNC:99001',
        aliases: ['=HYPERLINK("http://evil.example","x")', '+1', '@SUM(A1)', '-2'],
        previousSymbols: ['plain'],
      },
    ]);
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  /** Every item of the list for `query`, page after page. */
  async function listAll(query: string): Promise<ListItem[]> {
    const items: ListItem[] = [];
    for (let page = 1; ; page++) {
      const res = await t
        .http()
        .get(`/api/genes?${query}${query ? '&' : ''}page[size]=2&page[number]=${page}`)
        .expect(200);
      items.push(...(res.body.data as ListItem[]));
      if (page >= res.body.meta.page_count) {
        return items;
      }
    }
  }

  describe.each([
    '',
    'filter[hide_zero_scores]=false',
    'filter[min_score]=20',
    'filter[max_count]=1',
    'filter[source]=ClinGen',
    'filter[tier]=minimal_evidence,preliminary_evidence',
    'filter[group]=emerging_evidence',
    'filter[search]=pkd',
    'filter[search]=PBP',
    'sort=approved_symbol',
    'sort=-approved_symbol&filter[hide_zero_scores]=false',
    'sort=evidence_count,-score',
    'sort=hgnc_id',
    'sort=evidence_tier',
  ])('with "%s"', (query) => {
    const sep = query ? '&' : '';

    it('exports as JSON exactly the items of all the list pages, with source scores', async () => {
      const listed = await listAll(query);
      const res = await t.http().get(`/api/genes/export?${query}${sep}format=json`).expect(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const exported = res.body as (ListItem & { attributes: { source_scores: object } })[];
      expect(exported.map((i) => i.id)).toEqual(listed.map((i) => i.id));
      exported.forEach((item, n) => {
        const { source_scores, raw_score, ...attributes } = item.attributes as Record<
          string,
          unknown
        >;
        expect({ ...item, attributes }).toEqual(listed[n]);
        expect(typeof source_scores).toBe('object');
        expect(typeof raw_score).toBe('number');
      });
    });

    it.each([
      ['csv', ','],
      ['tsv', '\t'],
    ])('exports as %s the same rows and values', async (format, delimiter) => {
      const listed = await listAll(query);
      const res = await t
        .http()
        .get(`/api/genes/export?${query}${sep}format=${format}`)
        .buffer(true)
        .parse((r, done) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => done(null, text));
        })
        .expect(200);
      const rows = table(res.body as string, delimiter);
      expect(rows.map((r) => r.id)).toEqual(listed.map((i) => i.id));
      rows.forEach((r, n) => {
        const a = listed[n].attributes;
        expect(r).toMatchObject({
          hgnc_id: a.hgnc_id,
          approved_symbol: a.approved_symbol,
          evidence_score: String(a.evidence_score),
          evidence_count: String(a.evidence_count),
          evidence_tier: a.evidence_tier,
          evidence_group: a.evidence_group,
          sources: (a.sources as string[]).join('|'),
          created_at: a.created_at,
        });
      });
    });
  });

  it('has a column per scoring source with the gene detail’s score', async () => {
    const res = await t.http().get('/api/genes/export?filter[search]=PKD1').expect(200);
    const [pkd1] = table(res.text, ',');
    const detail = await t.http().get('/api/genes/PKD1').expect(200);
    const scores = detail.body.data.attributes.source_scores as Record<string, number>;
    expect(Object.keys(scores)).toHaveLength(7);
    for (const [source, score] of Object.entries(scores)) {
      expect(pkd1[`source_scores.${source}`]).toBe(String(score));
    }
    expect(pkd1.aliases).toBe('PBP');
  });

  it('neutralises formula cells in CSV and TSV, not in JSON', async () => {
    const query = 'filter[hide_zero_scores]=false&filter[search]=FORMULA1';
    for (const [format, delimiter] of [
      ['csv', ','],
      ['tsv', '\t'],
    ]) {
      const res = await t.http().get(`/api/genes/export?${query}&format=${format}`).expect(200);
      const text = typeof res.body === 'string' ? res.body : res.text;
      const [gene] = table(text, delimiter);
      expect(gene.aliases).toBe(`'=HYPERLINK("http://evil.example","x")|+1|@SUM(A1)|-2`);
      expect(gene.previous_symbols).toBe('plain');
      expect(gene.evidence_score).toBe('0');
    }
    const json = await t.http().get(`/api/genes/export?${query}&format=json`).expect(200);
    expect(json.body[0].attributes.aliases[0]).toBe('=HYPERLINK("http://evil.example","x")');
  });

  it('names a dated attachment, is not cached, and follows Accept without ?format=', async () => {
    const cases: [string | undefined, string, string][] = [
      [undefined, 'text/csv', 'csv'],
      ['*/*', 'text/csv', 'csv'],
      ['text/tab-separated-values', 'text/tab-separated-values', 'tsv'],
      ['application/json', 'application/json', 'json'],
      ['text/html, application/json;q=0.9', 'application/json', 'json'],
    ];
    for (const [accept, type, extension] of cases) {
      const req = t.http().get('/api/genes/export');
      const res = await (accept ? req.set('Accept', accept) : req).expect(200);
      expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="kidney-genetics-db_genes_${today()}.${extension}"`,
      );
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-cache']).toBeUndefined();
      expect(res.headers['x-ratelimit-limit']).toBe('100000');
    }
    const refused = await t
      .http()
      .get('/api/genes/export')
      .set('Accept', 'application/xml')
      .expect(406);
    expect(refused.body.error.code).toBe('NOT_ACCEPTABLE');
    expect(refused.body.error.details.supported).toEqual([
      'text/csv',
      'text/tab-separated-values',
      'application/json',
    ]);
  });

  it('refuses an unknown format, listing the supported ones', async () => {
    const res = await t.http().get('/api/genes/export?format=xlsx').expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { field: 'format', messages: ['format must be one of: csv, tsv, json'] },
    ]);
  });

  it.each([
    ['filter[tier]=gold', 'filter[tier]'],
    ['sort=-popularity', 'sort'],
    ['filter[min_score]=abc', 'filter[min_score]'],
    ['filter[ids]=1,x', 'filter[ids]'],
    ['filter[group]=all', 'filter[group]'],
    ['page[size]=10', 'page[size]'],
    ['unknown=1', 'unknown'],
  ])('refuses %s with 400 naming %s, as the list does', async (query, field) => {
    const res = await t.http().get(`/api/genes/export?${query}`).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('filters by ids like the list', async () => {
    const wanted = [ids.get('PKD2')!, ids.get('UMOD')!];
    const res = await t
      .http()
      .get(`/api/genes/export?format=json&filter[ids]=${wanted.join(',')}&sort=id`)
      .expect(200);
    expect((res.body as ListItem[]).map((i) => Number(i.id))).toEqual(wanted.sort((a, b) => a - b));
  });

  describe('on a table larger than the socket buffers', () => {
    const base = () => `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const url = '/api/genes/export?filter[hide_zero_scores]=false&sort=approved_symbol';
    /** Sessions holding an export cursor open, as the server sees them. */
    const cursorSessions = () =>
      db.rows<{ pid: number; state: string }>(
        `SELECT pid, state FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'FETCH % FROM gene_export'
           AND state = 'idle in transaction'`,
      );
    /** The backend of the one export waiting on its reader (it fetches until the buffers fill). */
    async function waitingCursor(): Promise<number> {
      let pid: number | undefined;
      const found = await eventually(async () => {
        const sessions = await cursorSessions();
        pid = sessions.length === 1 ? sessions[0].pid : undefined;
        return pid !== undefined;
      });
      expect(found).toBe(true);
      return pid!;
    }
    const pool = () => t.app.get(DatabasePoolRepository).pool()!;
    /** A line about the export, at `level`, that carries the request's id. */
    const logged = (text: string, level: string) =>
      t.logs
        .records()
        .some((r) => String(r.msg).includes(text) && r.level === level && !!r.request_id);
    const open: http.ClientRequest[] = [];
    afterEach(() => {
      for (const req of open.splice(0)) {
        req.destroy();
      }
    });
    const poolIdle = () => pool().idleCount === pool().totalCount && pool().waitingCount === 0;

    beforeAll(async () => {
      await db.exec(
        `INSERT INTO genes (hgnc_id, approved_symbol, name)
         SELECT 'HGNC:' || (200000 + i), 'BULK' || lpad(i::text, 5, '0'), repeat('x', 1000)
         FROM generate_series(1, 20000) i`,
      );
    });

    /** Starts a download and stops reading it after the first bytes. */
    async function stalledDownload(): Promise<{
      req: http.ClientRequest;
      res: http.IncomingMessage;
    }> {
      return new Promise((resolve, reject) => {
        const req = http.get(`${base()}${url}`, (res) => {
          open.push(req);
          if (res.statusCode !== 200) {
            reject(new Error(`the download answered ${res.statusCode}`));
            return;
          }
          res.once('data', () => {
            res.pause();
            resolve({ req, res });
          });
        });
        req.on('error', reject);
      });
    }

    it('holds the cursor while the client does not read (back-pressure)', async () => {
      const { req } = await stalledDownload();
      // The whole table (≈ 22 MB) cannot have been read: the cursor waits, mid-transaction.
      await waitingCursor();
      req.destroy();
      expect(await eventually(async () => (await cursorSessions()).length === 0)).toBe(true);
    });

    it('returns its connection to the pool when the client aborts the download', async () => {
      const { req } = await stalledDownload();
      await waitingCursor();
      expect(poolIdle()).toBe(false);
      req.destroy();
      expect(await eventually(poolIdle)).toBe(true);
      expect(await cursorSessions()).toEqual([]);
      expect(await eventually(() => logged('the client went away', 'info'))).toBe(true);
      // The pool still answers.
      await t.http().get('/api/genes?page[size]=1').expect(200);
    });

    it('aborts the response, never ends it, when the database fails mid-stream', async () => {
      const { res } = await stalledDownload();
      const pid = await waitingCursor();
      await db.exec('SELECT pg_terminate_backend($1)', [pid]);
      const ended = new Promise<'end' | 'aborted'>((resolve) => {
        res.on('end', () => resolve('end'));
        res.on('aborted', () => resolve('aborted'));
        res.on('error', () => resolve('aborted'));
      });
      res.resume();
      expect(await ended).toBe('aborted');
      expect(res.complete).toBe(false);
      expect(await eventually(() => logged('failed mid-stream', 'error'))).toBe(true);
      expect(await eventually(poolIdle)).toBe(true);
      await t.http().get('/api/genes/export?format=json&filter[search]=PKD1').expect(200);
    });

    it('streams at most half the pool at once; one more download is 503 EXPORTS_BUSY', async () => {
      const service = t.app.get(GeneExportService);
      const slots = service.slots;
      expect(slots).toBe(5);
      // Downloads the earlier tests aborted end on the server a little later: wait until
      // none is streaming, so all the slots are free.
      expect(await eventually(() => service.inProgress === 0, 15_000)).toBe(true);
      const stalled = [];
      for (let i = 0; i < slots; i++) {
        stalled.push(await stalledDownload());
      }
      const busy = await t.http().get('/api/genes/export').expect(503);
      expect(busy.body.error.code).toBe('EXPORTS_BUSY');
      expect(busy.headers['retry-after']).toBe('5');
      // The other half of the pool still serves everything else.
      await t.http().get('/api/genes?page[size]=1&filter[search]=PKD').expect(200);
      for (const { req } of stalled) {
        req.destroy();
      }
      expect(await eventually(poolIdle)).toBe(true);
      await t.http().get('/api/genes/export?filter[search]=PKD1').expect(200);
    });

    it('sends every row when read to the end', async () => {
      const res = await t.http().get(`${url}&format=json`).expect(200);
      expect((res.body as ListItem[]).length).toBe(20000 + SCORING_DATASET.length + 1);
      expect(await eventually(poolIdle)).toBe(true);
    });
  });
});
