import { escapeXml, geneUrls, sitemapIndex, urlEntry } from './sitemap-xml.js';

describe('sitemap XML', () => {
  it('percent-encodes symbols in paths and escapes XML in <loc>', () => {
    const [page, structure] = geneUrls('A&B/C', new Date('2026-03-04T23:59:00Z'));
    expect(page.path).toBe('/genes/A%26B%2FC');
    expect(structure.path).toBe('/genes/A%26B%2FC/structure');
    expect(urlEntry('https://x.org/a&b', page)).toBe(
      '<url><loc>https://x.org/a&amp;b/genes/A%26B%2FC</loc><lastmod>2026-03-04</lastmod>' +
        '<changefreq>weekly</changefreq><priority>0.8</priority></url>\n',
    );
    expect(escapeXml(`<'">`)).toBe('&lt;&apos;&quot;&gt;');
  });

  it('leaves lastmod out when a page has none and lists index parts in order', () => {
    expect(urlEntry('https://x.org', { path: '/', changefreq: 'weekly', priority: 1 })).toBe(
      '<url><loc>https://x.org/</loc><changefreq>weekly</changefreq><priority>1.0</priority></url>\n',
    );
    expect(sitemapIndex(2, (n) => `https://x.org/sitemap.xml?part=${n}&x=1`)).toContain(
      '<sitemap><loc>https://x.org/sitemap.xml?part=1&amp;x=1</loc></sitemap>\n' +
        '<sitemap><loc>https://x.org/sitemap.xml?part=2&amp;x=1</loc></sitemap>\n</sitemapindex>',
    );
  });
});
