import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

import {
  annotationRows,
  failureRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
  seedHgncIds,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/upstream/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('UniProt and Ensembl annotations against the fixture server', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  let searchFailures: number[] = [];
  let lookupFailures: number[] = [];

  beforeAll(async () => {
    await upstream.start();
    upstream.route('GET', '/uniprotkb/search', (req, res) => {
      const status = searchFailures.shift();
      if (status) {
        return send(res, status, { messages: ['busy'] });
      }
      const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
      const release = { 'X-UniProt-Release': '2025_01' };
      if (query === 'organism_id:9606') {
        return send(res, 200, { results: [] }, release);
      }
      const symbols = [...query.matchAll(/gene_exact:(\w+)/g)].map((m) => m[1]);
      const results = [];
      if (symbols.includes('PKD1')) {
        results.push(fixture('uniprot/entry-pkd1.json'));
      }
      if (symbols.includes('UMOD')) {
        results.push(fixture('uniprot/entry-umod.json'));
      }
      // NPHS2: an entry without accession or length (malformed).
      if (symbols.includes('NPHS2')) {
        results.push({ genes: [{ geneName: { value: 'NPHS2' } }] });
      }
      send(res, 200, { results }, release);
    });
    upstream.json('GET', '/info/data', fixture('ensembl/info-data.json'));
    upstream.route('POST', '/lookup/id', (_req, res, body) => {
      const status = lookupFailures.shift();
      if (status) {
        return send(res, status, { error: 'busy' }, { 'Retry-After': '0' });
      }
      const { ids: wanted } = JSON.parse(body) as { ids: string[] };
      const answer: Record<string, unknown> = {};
      for (const id of wanted) {
        if (id === 'ENSG00000008710') {
          answer[id] = fixture('ensembl/lookup-pkd1.json');
        } else if (id === 'ENSG00000116218') {
          answer[id] = { id, display_name: 'NPHS2', biotype: 'protein_coding' };
        } else {
          answer[id] = null;
        }
      }
      send(res, 200, answer);
    });
    upstream.route('POST', '/lookup/symbol/homo_sapiens', (_req, res) =>
      send(res, 200, { error: 'symbol lookups are unavailable' }),
    );
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        UNIPROT_URL: upstream.baseUrl,
        ENSEMBL_URL: upstream.baseUrl,
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS2', 'UMOD']);
    const { UMOD: _umod, ...withIds } = ids;
    await seedHgncIds(t, withIds);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('UniProt: protein per symbol, release as version, no data and malformed entries', async () => {
    searchFailures = [503];
    const result = await runAnnotation(t, 'uniprot');
    expect(result).toMatchObject({
      status: 'completed',
      version: '2025_01',
      updated: 2,
      no_data: 1,
      failed: 1,
    });
    const rows = await annotationRows(t, 'uniprot');
    expect(rows.PKD1.annotations).toMatchObject({
      accession: 'P98161',
      entry_name: 'PKD1_HUMAN',
      protein_name: 'Polycystin-1',
      length: 4303,
      domains: [],
      has_transmembrane: null,
    });
    expect(rows.UMOD.annotations).toMatchObject({ accession: 'P07911', length: 640 });
    expect(rows.PKD2).toMatchObject({ status: 'no_data' });
    expect((await failureRows(t, 'uniprot')).NPHS2.reason).toMatch(/no accession/);
    // The summary and resolve endpoints read the accession.
    const resolved = await t.http().get('/api/genes/resolve?query=P07911').expect(200);
    expect(resolved.body.data.attributes.approved_symbol).toBe('UMOD');
  });

  it('Ensembl: gene model and canonical transcript, retried 429, failures per gene', async () => {
    lookupFailures = [429];
    const result = await runAnnotation(t, 'ensembl');
    expect(result).toMatchObject({
      status: 'completed',
      version: 'release-115',
      genes_total: 4,
      updated: 1,
      no_data: 1,
      failed: 2,
    });
    const rows = await annotationRows(t, 'ensembl');
    expect(rows.PKD1.annotations).toMatchObject({
      gene_id: 'ENSG00000008710',
      chromosome: '16',
      start: 2088708,
      end: 2135898,
      strand: -1,
      gene_length: 47191,
      biotype: 'protein_coding',
      canonical_transcript: {
        transcript_id: 'ENST00000262304.10',
        is_mane_select: true,
        refseq_transcript_id: 'NM_001009944.3',
        exon_count: null,
      },
    });
    expect(rows.PKD2).toMatchObject({ status: 'no_data' });
    const failures = await failureRows(t, 'ensembl');
    expect(failures.NPHS2.reason).toMatch(/no seq_region_name, start or end/);
    // UMOD has no Ensembl id: looked up by symbol, which answered an error body.
    expect(failures.UMOD.reason).toMatch(/Ensembl error: symbol lookups are unavailable/);
  });
});
