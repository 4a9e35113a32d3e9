/**
 * The sitemap protocol (sitemaps.org 0.9): a `<urlset>` of at most 50,000 URLs per file,
 * and a `<sitemapindex>` naming the files when there are more.
 */

export const MAX_URLS_PER_FILE = 50_000;

export interface SitemapUrl {
  /** Path on the frontend, starting with `/`. */
  path: string;
  lastmod?: Date;
  changefreq: 'daily' | 'weekly' | 'monthly';
  priority: number;
}

/** The frontend's public pages (as the original listed them); gene pages follow. */
export const STATIC_PAGES: readonly SitemapUrl[] = [
  { path: '/', changefreq: 'weekly', priority: 1.0 },
  { path: '/genes', changefreq: 'daily', priority: 0.9 },
  { path: '/dashboard', changefreq: 'weekly', priority: 0.7 },
  { path: '/data-sources', changefreq: 'weekly', priority: 0.7 },
  { path: '/network-analysis', changefreq: 'weekly', priority: 0.7 },
  { path: '/about', changefreq: 'monthly', priority: 0.5 },
  { path: '/faq', changefreq: 'monthly', priority: 0.5 },
];

/** URLs each gene adds: its page and its structure page. */
export const URLS_PER_GENE = 2;

export function geneUrls(symbol: string, updatedAt: Date): SitemapUrl[] {
  const base = `/genes/${encodeURIComponent(symbol)}`;
  return [
    { path: base, lastmod: updatedAt, changefreq: 'weekly', priority: 0.8 },
    { path: `${base}/structure`, lastmod: updatedAt, changefreq: 'monthly', priority: 0.6 },
  ];
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

export const URLSET_OPEN = `${XML_HEAD}<urlset xmlns="${NS}">\n`;
export const URLSET_CLOSE = '</urlset>\n';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** W3C date (YYYY-MM-DD), as the protocol accepts for lastmod. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function urlEntry(baseUrl: string, url: SitemapUrl): string {
  const lastmod = url.lastmod ? `<lastmod>${day(url.lastmod)}</lastmod>` : '';
  return (
    `<url><loc>${escapeXml(baseUrl + url.path)}</loc>${lastmod}` +
    `<changefreq>${url.changefreq}</changefreq><priority>${url.priority.toFixed(1)}</priority></url>\n`
  );
}

/** An index naming `parts` files, each `partUrl(n)` for n = 1..parts. */
export function sitemapIndex(parts: number, partUrl: (n: number) => string): string {
  const entries = Array.from(
    { length: parts },
    (_, i) => `<sitemap><loc>${escapeXml(partUrl(i + 1))}</loc></sitemap>\n`,
  ).join('');
  return `${XML_HEAD}<sitemapindex xmlns="${NS}">\n${entries}</sitemapindex>\n`;
}
