import { createHash } from 'node:crypto';

import type { Response } from 'supertest';

import { EvidenceWriter } from '../../../src/genes/evidence/evidence-writer.service.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { createUser, loginAdmin } from '../../support/auth.js';
import { testDb } from '../../support/test-db.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** supertest buffers any content type as bytes with this parser. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

describe('releases', () => {
  let t: TestApp;
  let admin: string;
  let curator: string;
  let viewer: string;
  let ids: Map<string, number>;
  const db = testDb(() => t.database!.url);

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const download = async (version: string, format: string) => {
    const res = await t
      .http()
      .get(`/api/releases/${version}/export?format=${format}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    return { res, bytes: res.body as Buffer };
  };
  const create = (version: string, notes?: string) =>
    t
      .http()
      .post('/api/releases')
      .set(as(admin))
      .send({ version, release_notes: notes })
      .expect(201)
      .then((r) => r.body as { id: number; version: string; status: string });
  const publish = (id: number) =>
    t
      .http()
      .post(`/api/releases/${id}/publish`)
      .set(as(admin))
      .expect(200)
      .then((r) => r.body as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ids = await seedGenes(t.app, SCORING_DATASET);
    admin = (await loginAdmin(t)).accessToken;
    curator = (await createUser(t, admin, 'curator')).accessToken;
    viewer = (await createUser(t, admin, 'viewer')).accessToken;
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  describe('drafts', () => {
    it('are created from a JSON body or, as the original admin page sends them, from the query', async () => {
      const body = await create('2024.1', 'first');
      expect(body).toMatchObject({ version: '2024.1', status: 'draft', release_notes: 'first' });
      expect(body).not.toHaveProperty('export_file_path');
      const legacy = await t
        .http()
        .post('/api/releases/?version=2024.2&release_notes=from%20the%20query')
        .set(as(admin))
        .expect(201);
      expect(legacy.body).toMatchObject({
        version: '2024.2',
        status: 'draft',
        release_notes: 'from the query',
      });
    });

    it('refuse a version that is not CalVer, and a month that exists in either spelling', async () => {
      for (const version of ['2024', '2024.13', '2024.0', 'v2024.3', '2024.3.1']) {
        const res = await t.http().post('/api/releases').set(as(admin)).send({ version });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      await t.http().post('/api/releases').set(as(admin)).send({}).expect(400);
      const dup = await t.http().post('/api/releases').set(as(admin)).send({ version: '2024.1' });
      expect(dup.status).toBe(409);
      const padded = await t
        .http()
        .post('/api/releases')
        .set(as(admin))
        .send({ version: '2024.01' });
      expect(padded.status).toBe(409);
      expect(padded.body.error.message).toContain('2024.1');
    });

    it('are written by admins only, and seen by curators and admins only', async () => {
      await t.http().post('/api/releases').send({ version: '2024.5' }).expect(401);
      await t.http().post('/api/releases').set(as(curator)).send({ version: '2024.5' }).expect(403);
      const anonymous = await t.http().get('/api/releases').expect(200);
      expect(anonymous.body.data).toEqual([]);
      expect(anonymous.body.meta).toMatchObject({ total: 0 });
      await t.http().get('/api/releases/2024.1').expect(404);
      await t.http().get('/api/releases/2024.1').set(as(viewer)).expect(404);
      const seen = await t.http().get('/api/releases').set(as(curator)).expect(200);
      expect(seen.body.data.map((r: { version: string }) => r.version)).toEqual([
        '2024.2',
        '2024.1',
      ]);
    });

    it('change and go while drafts', async () => {
      const draft = await create('2024.6');
      const changed = await t
        .http()
        .patch(`/api/releases/${draft.id}`)
        .set(as(admin))
        .send({ version: '2024.7', release_notes: 'renamed' })
        .expect(200);
      expect(changed.body).toMatchObject({ version: '2024.7', release_notes: 'renamed' });
      await t
        .http()
        .patch(`/api/releases/${draft.id}`)
        .set(as(admin))
        .send({ version: '2024.2' })
        .expect(409);
      await t.http().delete(`/api/releases/${draft.id}`).set(as(admin)).expect(200);
      await t.http().get(`/api/releases/2024.7`).set(as(admin)).expect(404);
      await t.http().delete(`/api/releases/${draft.id}`).set(as(admin)).expect(404);
    });

    it('have no exports before they are published', async () => {
      const res = await t.http().get('/api/releases/2024.1/export').set(as(admin)).expect(409);
      expect(res.body.error.code).toBe('RELEASE_NOT_PUBLISHED');
      await t.http().get('/api/releases/2024.1/export').expect(404);
    });
  });

  describe('publishing two releases with changes in between', () => {
    let first: Record<string, unknown>;
    let second: Record<string, unknown>;
    const before: Record<string, Buffer> = {};
    let evidenceAtFirst = 0;

    beforeAll(async () => {
      // 2025.9 and 2025.10: string order would put 2025.9 last.
      first = await publish((await create('2025.9', 'September')).id);
      evidenceAtFirst = await db.count('gene_evidence');
      for (const format of ['json', 'csv', 'tsv', 'manifest']) {
        before[format] = (await download('2025.9', format)).bytes;
      }
      // Live data changes after the first publish: a new gene with evidence, a gene
      // that gains evidence (its score and tier change), a gene whose name changes.
      const created = await t
        .http()
        .post('/api/genes')
        .set(as(curator))
        .send({ hgnc_id: 'HGNC:99901', approved_symbol: 'NEWGENE1', name: '=HYPERLINK("x")' })
        .expect(201);
      const writer = t.app.get(EvidenceWriter);
      await writer.upsertOne(
        Number(created.body.data.id),
        'HPO',
        { hpo_terms: ['HP:0000112'] },
        'x',
      );
      await writer.upsertOne(ids.get('UMOD')!, 'PubTator', { publication_count: 40 }, 'x');
      await db.exec(
        `UPDATE genes SET name = 'renamed after 2025.9' WHERE approved_symbol = 'PKD2'`,
      );
      t.app.get(ScoreRefresher).markDirty();
      await t.app.get(ScoreRefresher).settled();
      second = await publish((await create('2025.10', 'October')).id);
    });

    it('freezes every gene, counts and sources at publish', async () => {
      const genes = await db.count('genes');
      expect(first).toMatchObject({
        version: '2025.9',
        status: 'published',
        gene_count: genes - 1,
      });
      expect(second).toMatchObject({ version: '2025.10', status: 'published', gene_count: genes });
      expect(first.export_checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(first.release_date).toBe(first.published_at);
      expect(first.total_evidence_count).toBe(evidenceAtFirst);
      expect(second.total_evidence_count).toBe(await db.count('gene_evidence'));
      expect((first.sources as { name: string }[]).map((s) => s.name)).toContain('HPO');
      expect(first.files).toHaveLength(4);
      expect(first.doi_status).toBeNull();
      expect(first.citation_text).toContain('(Version 2025.9) [Data set]');
    });

    it('leaves the first release byte-for-byte the same, with checksums matching the bytes', async () => {
      for (const format of ['json', 'csv', 'tsv', 'manifest']) {
        const { res, bytes } = await download('2025.9', format);
        expect(bytes.equals(before[format])).toBe(true);
        expect(res.headers['x-checksum-sha256']).toBe(sha256(bytes));
        expect(res.headers.etag).toBe(`"sha256-${sha256(bytes)}"`);
        expect(res.headers['content-length']).toBe(String(bytes.length));
        expect(res.headers['cache-control']).toContain('immutable');
      }
      const json = (await download('2025.9', 'json')).bytes;
      expect(sha256(json)).toBe(first.export_checksum);
      const manifest = JSON.parse(before.manifest.toString('utf8'));
      for (const f of manifest.files as { format: string; size: number; sha256: string }[]) {
        const bytes = (await download('2025.9', f.format)).bytes;
        expect({ size: bytes.length, sha256: sha256(bytes) }).toEqual({
          size: f.size,
          sha256: f.sha256,
        });
      }
    });

    it('answers 304 to a conditional GET with the ETag', async () => {
      const { res } = await download('2025.10', 'json');
      await t
        .http()
        .get('/api/releases/2025.10/export')
        .set('If-None-Match', res.headers.etag)
        .expect(304);
    });

    it('names the download as the original client does and writes the original JSON layout', async () => {
      const { res, bytes } = await download('2025.10', 'json');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="kidney-genetics-db_2025.10.json"',
      );
      const doc = JSON.parse(bytes.toString('utf8'));
      expect(Object.keys(doc)).toEqual([
        'version',
        'release_date',
        'gene_count',
        'metadata',
        'genes',
      ]);
      expect(doc).toMatchObject({ version: '2025.10', gene_count: second.gene_count });
      expect(doc.metadata).toMatchObject({ format: 'CalVer' });
      expect(doc.genes).toHaveLength(second.gene_count as number);
      const symbols = doc.genes.map((g: { approved_symbol: string }) => g.approved_symbol);
      expect(symbols).toEqual([...symbols].sort());
      const pkd1 = doc.genes.find((g: { approved_symbol: string }) => g.approved_symbol === 'PKD1');
      expect(pkd1.scores.evidence_tier).toBeDefined();
      expect(pkd1.evidence.map((e: { source_name: string }) => e.source_name)).toContain(
        'PanelApp',
      );
      // A gene scored 0 keeps its score object (the original turned 0 into null).
      const zero = doc.genes.find(
        (g: { scores: { percentage_score: number } | null }) => g.scores?.percentage_score === 0,
      );
      expect(zero).toBeDefined();
      const oldDoc = JSON.parse(before.json.toString('utf8'));
      const oldPkd2 = oldDoc.genes.find(
        (g: { approved_symbol: string }) => g.approved_symbol === 'PKD2',
      );
      expect(oldPkd2.name).not.toBe('renamed after 2025.9');
    });

    it('writes the gene table as CSV and TSV, with formula cells neutralised', async () => {
      const csv = (await download('2025.10', 'csv')).bytes.toString('utf8');
      const lines = csv.trimEnd().split('\n');
      expect(lines).toHaveLength((second.gene_count as number) + 1);
      expect(lines[0]).toContain('approved_symbol');
      const row = lines.find((l) => l.includes('NEWGENE1'))!;
      expect(row).toContain(`"'=HYPERLINK(""x"")"`);
      const tsv = (await download('2025.10', 'tsv')).bytes.toString('utf8');
      expect(tsv.split('\n')[0].split('\t')).toEqual(lines[0].split(','));
    });

    it('orders releases by CalVer, not by string, for the MCP citation tool', async () => {
      const res = await t.http().get('/api/releases/?status=published').expect(200);
      expect(res.body.data.map((r: { version: string }) => r.version)).toEqual([
        '2025.10',
        '2025.9',
      ]);
      expect(res.body.meta.total).toBe(2);
      expect(res.body.data[0]).toMatchObject({ version: '2025.10', doi: null });
      expect(res.body.data[0].citation_text).toContain('2025.10');
    });

    it('diffs two releases: added, removed and changed genes with counts', async () => {
      const res = await t.http().get('/api/releases/2025.9/diff/2025.10').expect(200);
      const d = res.body.data;
      expect(d.counts.added).toBe(1);
      expect(d.counts.removed).toBe(0);
      expect(d.added.map((g: { approved_symbol: string }) => g.approved_symbol)).toEqual([
        'NEWGENE1',
      ]);
      const changed = d.changed.map((g: { approved_symbol: string }) => g.approved_symbol);
      expect(changed).toContain('UMOD');
      expect(d.counts.changed + d.counts.unchanged + d.counts.added).toBe(second.gene_count);
      const umod = d.changed.find((g: { approved_symbol: string }) => g.approved_symbol === 'UMOD');
      expect(umod.percentage_score).toBeGreaterThan(umod.from_percentage_score);
      const back = await t.http().get('/api/releases/2025.10/diff/2025.9').expect(200);
      expect(back.body.data.counts).toMatchObject({ added: 0, removed: 1 });
      const capped = await t.http().get('/api/releases/2025.9/diff/2025.10?limit=0').expect(200);
      expect(capped.body.data).toMatchObject({ added: [], truncated: true });
      await t.http().get('/api/releases/2025.9/diff/2024.1').expect(404);
    });

    it('lists the frozen genes of a release a page at a time', async () => {
      const res = await t.http().get('/api/releases/2025.9/genes?limit=3&offset=0').expect(200);
      expect(res.body.data).toMatchObject({ version: '2025.9', total: first.gene_count, limit: 3 });
      expect(res.body.data.genes).toHaveLength(3);
      const all = await t.http().get('/api/releases/2025.9/genes?limit=1000').expect(200);
      expect(
        all.body.data.genes.map((g: { approved_symbol: string }) => g.approved_symbol),
      ).not.toContain('NEWGENE1');
    });

    it('cites a release as CITATION.cff, DataCite JSON and text', async () => {
      const cff = await t.http().get('/api/releases/2025.10/citation').expect(200);
      expect(cff.headers['content-type']).toContain('application/x-yaml');
      expect(cff.text).toContain('cff-version: 1.2.0');
      expect(cff.text).toMatch(/version: ["']?2025\.10/);
      const datacite = await t
        .http()
        .get('/api/releases/2025.10/citation?format=datacite')
        .buffer(true)
        .parse(binary)
        .expect(200);
      const doc = JSON.parse((datacite.body as Buffer).toString('utf8'));
      expect(doc.data.attributes).toMatchObject({
        version: '2025.10',
        types: { resourceTypeGeneral: 'Dataset' },
      });
      const text = await t.http().get('/api/releases/2025.10/citation?format=text').expect(200);
      expect(text.text.trim()).toBe(second.citation_text);
      await t.http().get('/api/releases/2025.10/citation?format=bibtex').expect(400);
    });

    it('never changes a published release', async () => {
      const id = first.id as number;
      for (const res of [
        await t.http().patch(`/api/releases/${id}`).set(as(admin)).send({ release_notes: 'x' }),
        await t.http().delete(`/api/releases/${id}`).set(as(admin)),
        await t.http().post(`/api/releases/${id}/publish`).set(as(admin)),
      ]) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('RELEASE_PUBLISHED');
      }
      // Not even a writer below the API.
      await expect(
        db.exec('UPDATE release_file_chunks SET data = $1 WHERE release_id = $2', [
          Buffer.from('x'),
          id,
        ]),
      ).rejects.toThrow(/published release cannot change/);
      await expect(db.exec('DELETE FROM releases WHERE id = $1', [id])).rejects.toThrow(
        /published and cannot change/,
      );
      await expect(
        db.exec(`UPDATE release_genes SET evidence_tier = 'x' WHERE release_id = $1`, [id]),
      ).rejects.toThrow(/published release cannot change/);
    });
  });
});
