import { createHash } from 'node:crypto';

import { SCORING_DATASET, seedGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';
import { FixtureServer } from '../../support/fixture-server.js';
import { eventually } from '../../support/wait.js';

const TOKEN = 'zenodo-test-token-0123456789';

describe('releases: Zenodo deposit', () => {
  const zenodo = new FixtureServer();
  let t: TestApp;
  let admin: string;
  let deposition = 0;

  const as = () => ({ Authorization: `Bearer ${admin}` });
  const release = (version: string) =>
    t
      .http()
      .get(`/api/releases/${version}`)
      .expect(200)
      .then((r) => r.body as Record<string, unknown>);
  const settled = async (version: string, doiStatus: string) => {
    expect(
      await eventually(async () => (await release(version)).doi_status === doiStatus, 15_000),
    ).toBe(true);
    return release(version);
  };

  beforeAll(async () => {
    const base = await zenodo.start();
    zenodo
      .route('POST', '/api/deposit/depositions', (_req, res) => {
        deposition += 1;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ id: deposition, links: { bucket: `${base}/api/files/b${deposition}` } }),
        );
      })
      .route('PUT', '/api/deposit/depositions/1', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      })
      .route('PUT', '/api/deposit/depositions/2', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      })
      .route('POST', '/api/deposit/depositions/1/actions/publish', (_req, res) => {
        // The first deposit fails at its last step.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error', status: 500 }));
      })
      .route('POST', '/api/deposit/depositions/2/actions/publish', (_req, res) => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ doi: '10.5072/zenodo.2', links: { html: `${base}/records/2` } }));
      });
    for (const n of [1, 2]) {
      zenodo.route('PUT', `/api/files/b${n}/kidney-genetics-db_2025.11.json`, (_req, res) => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{}');
      });
    }
    t = await createTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        ZENODO_API_TOKEN: TOKEN,
        ZENODO_URL: base,
        ZENODO_COMMUNITY: 'kidney-genetics',
      },
    });
    await seedGenes(t.app, SCORING_DATASET);
    admin = (await loginAdmin(t)).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await zenodo.stop();
  });

  it('leaves the release published without a DOI when the deposit fails, and says why', async () => {
    const draft = await t
      .http()
      .post('/api/releases')
      .set(as())
      .send({ version: '2025.11' })
      .expect(201);
    const published = await t
      .http()
      .post(`/api/releases/${draft.body.id}/publish`)
      .set(as())
      .expect(200);
    expect(published.body).toMatchObject({ status: 'published', doi_status: 'pending', doi: null });
    const failed = await settled('2025.11', 'failed');
    expect(failed).toMatchObject({ status: 'published', doi: null });
    expect(failed.doi_error).toMatch(/^Zenodo publish: HTTP 500/);
    // The export is still there and still matches its checksum.
    await t.http().get('/api/releases/2025.11/export').expect(200);
  });

  it('deposits the JSON export, as it was published, on a second try and cites the DOI', async () => {
    const id = (await release('2025.11')).id as number;
    const retried = await t.http().post(`/api/releases/${id}/deposit`).set(as()).expect(202);
    expect(retried.body.doi_status).toBe('pending');
    const deposited = await settled('2025.11', 'deposited');
    expect(deposited).toMatchObject({ doi: '10.5072/zenodo.2', doi_error: null });
    expect(deposited.citation_text).toMatch(/https:\/\/doi\.org\/10\.5072\/zenodo\.2$/);

    const upload = zenodo.requests.find(
      (r) => r.method === 'PUT' && r.url === '/api/files/b2/kidney-genetics-db_2025.11.json',
    )!;
    expect(upload.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upload.headers['content-length']).toBe(String(Buffer.byteLength(upload.body)));
    expect(createHash('sha256').update(upload.body, 'utf8').digest('hex')).toBe(
      deposited.export_checksum,
    );
    const metadata = JSON.parse(
      zenodo.requests.find((r) => r.method === 'PUT' && r.url === '/api/deposit/depositions/2')!
        .body,
    ).metadata;
    expect(metadata).toMatchObject({
      upload_type: 'dataset',
      version: '2025.11',
      access_right: 'open',
      communities: [{ identifier: 'kidney-genetics' }],
    });
    // A release with a DOI is not deposited again.
    await t.http().post(`/api/releases/${id}/deposit`).set(as()).expect(409);
    const cff = await t.http().get('/api/releases/2025.11/citation').expect(200);
    expect(cff.text).toContain('doi: 10.5072/zenodo.2');
  });

  it('never shows the token', async () => {
    const all = JSON.stringify(await release('2025.11'));
    expect(all).not.toContain(TOKEN);
    expect(t.logs.text()).not.toContain(TOKEN);
  });
});
