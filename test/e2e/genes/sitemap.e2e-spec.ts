import { insertUnscoredGenes } from '../../factories/gene-dataset.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { testDb } from '../../support/test-db.js';

const BASE = 'https://kidney-genetics.example.org';

const locs = (xml: string, tag: 'url' | 'sitemap'): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}><loc>([^<]*)</loc>`, 'g'))].map((m) => m[1]);

const STATIC = [
  '/',
  '/genes',
  '/dashboard',
  '/data-sources',
  '/network-analysis',
  '/about',
  '/faq',
];

describe('GET /sitemap.xml', () => {
  let t: TestApp;
  const db = testDb(() => t.database!.url);

  beforeAll(async () => {
    // A trailing slash in the setting must not double the slash in the URLs.
    t = await createTestApp({ env: { PUBLIC_BASE_URL: `${BASE}/` } });
    await insertUnscoredGenes(t.app, [
      { symbol: 'PKD1', hgncId: 'HGNC:9008' },
      { symbol: 'C4A', hgncId: 'HGNC:1323' },
    ]);
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('lists the static pages and two pages per gene, cacheable for an hour', async () => {
    const res = await t.http().get('/sitemap.xml').expect(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
    const xml = res.text;
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/,
    );
    expect(xml.trimEnd().endsWith('</urlset>')).toBe(true);
    expect(locs(xml, 'url')).toEqual([
      ...STATIC.map((p) => BASE + p),
      `${BASE}/genes/PKD1`,
      `${BASE}/genes/PKD1/structure`,
      `${BASE}/genes/C4A`,
      `${BASE}/genes/C4A/structure`,
    ]);
    // Gene pages carry the gene row's last change.
    const stored = await db.rows<{ day: string }>(
      "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM genes WHERE approved_symbol = 'PKD1'",
    );
    expect(xml).toContain(
      `<url><loc>${BASE}/genes/PKD1</loc><lastmod>${stored[0].day}</lastmod><changefreq>weekly</changefreq><priority>0.8</priority></url>`,
    );
  });

  it('rejects unknown parameters and bad parts with 400, missing parts with 404', async () => {
    const unknown = await t.http().get('/sitemap.xml?page=2').expect(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    await t.http().get('/sitemap.xml?part=0').expect(400);
    await t.http().get('/sitemap.xml?part=x').expect(400);
    const missing = await t.http().get('/sitemap.xml?part=2').expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('splits into an index of parts of at most 50,000 URLs beyond that', async () => {
    // 25,000 more genes: 7 + 2 × 25,002 URLs, over the protocol's 50,000 per file.
    await db.exec(
      `INSERT INTO genes (hgnc_id, approved_symbol)
       SELECT 'HGNC:' || (900000 + n), 'BULK' || n FROM generate_series(1, 25000) AS n`,
    );
    const index = await t.http().get('/sitemap.xml').expect(200);
    expect(index.headers['cache-control']).toBe('public, max-age=3600');
    expect(index.text).toContain(
      '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    );
    expect(locs(index.text, 'sitemap')).toEqual([
      `${BASE}/sitemap.xml?part=1`,
      `${BASE}/sitemap.xml?part=2`,
    ]);

    const first = await t.http().get('/sitemap.xml?part=1').expect(200);
    const second = await t.http().get('/sitemap.xml?part=2').expect(200);
    const one = locs(first.text, 'url');
    const two = locs(second.text, 'url');
    expect(one.length).toBeLessThanOrEqual(50_000);
    expect(two.length).toBeLessThanOrEqual(50_000);
    expect(one.slice(0, 7)).toEqual(STATIC.map((p) => BASE + p));
    expect(two.some((u) => STATIC.some((p) => u === BASE + p))).toBe(false);
    // Every gene page exactly once over the parts, in id order.
    const genePages = [...one, ...two].filter((u) => !u.endsWith('/structure')).slice(7);
    expect(genePages).toHaveLength(25_002);
    expect(new Set(genePages).size).toBe(25_002);
    expect(genePages.slice(0, 3)).toEqual([
      `${BASE}/genes/PKD1`,
      `${BASE}/genes/C4A`,
      `${BASE}/genes/BULK1`,
    ]);
    expect(genePages.at(-1)).toBe(`${BASE}/genes/BULK25000`);
    await t.http().get('/sitemap.xml?part=3').expect(404);
  });
});
