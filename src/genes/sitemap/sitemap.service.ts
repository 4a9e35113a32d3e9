import { Injectable } from '@nestjs/common';

import { NotFoundError } from '../../common/errors/index.js';
import { AppConfig } from '../../config/index.js';
import { SitemapRepository } from './sitemap.repository.js';
import {
  geneUrls,
  MAX_URLS_PER_FILE,
  sitemapIndex,
  STATIC_PAGES,
  urlEntry,
  URLS_PER_GENE,
  URLSET_CLOSE,
  URLSET_OPEN,
} from './sitemap-xml.js';

/** Genes per file when the sitemap is split: the first file also holds the static pages. */
export const GENES_PER_PART = Math.floor((MAX_URLS_PER_FILE - STATIC_PAGES.length) / URLS_PER_GENE);
/** Genes read and written at a time, so memory stays flat whatever the gene count. */
const BATCH = 2_000;

export type SitemapAnswer =
  { kind: 'index'; xml: string } | { kind: 'urlset'; chunks: AsyncIterable<string> };

/**
 * `/sitemap.xml` for crawlers: the frontend's static pages and two pages per gene. Up to
 * 50,000 URLs it is one `<urlset>`; beyond, an index of `/sitemap.xml?part=N` files (the
 * same path, so a proxy that forwards only `/sitemap.xml` serves every part).
 */
@Injectable()
export class SitemapService {
  constructor(
    private readonly repository: SitemapRepository,
    private readonly config: AppConfig,
  ) {}

  async answer(part: number | undefined): Promise<SitemapAnswer> {
    const genes = await this.repository.countGenes();
    const single = STATIC_PAGES.length + genes * URLS_PER_GENE <= MAX_URLS_PER_FILE;
    const parts = single ? 1 : Math.ceil(genes / GENES_PER_PART);
    if (part === undefined) {
      return single
        ? { kind: 'urlset', chunks: this.urlset(0, genes) }
        : { kind: 'index', xml: sitemapIndex(parts, (n) => this.partUrl(n)) };
    }
    if (part > parts) {
      throw new NotFoundError(`Sitemap part ${part} does not exist (there are ${parts})`);
    }
    return {
      kind: 'urlset',
      chunks: single
        ? this.urlset(0, genes)
        : this.urlset((part - 1) * GENES_PER_PART, GENES_PER_PART),
    };
  }

  /** The sitemap's own URL: crawlers fetch the parts from the app, not the frontend. */
  private partUrl(n: number): string {
    return `${this.config.http.publicBaseUrl}/sitemap.xml?part=${n}`;
  }

  /**
   * The genes from position `skip` (by id), at most `count`, as XML in chunks; the first
   * file starts with the static pages. Nothing is yielded before the first batch is read,
   * so a database failure still gets an error answer rather than a cut document.
   */
  private async *urlset(skip: number, count: number): AsyncGenerator<string> {
    const base = this.config.http.publicBaseUrl;
    let head = URLSET_OPEN;
    if (skip === 0) {
      head += STATIC_PAGES.map((page) => urlEntry(base, page)).join('');
    }
    let afterId = 0;
    let left = count;
    let offset = skip;
    for (;;) {
      const rows =
        left > 0 ? await this.repository.genes(afterId, offset, Math.min(BATCH, left)) : [];
      const body = rows
        .flatMap((g) => geneUrls(g.approved_symbol, new Date(g.updated_at)))
        .map((url) => urlEntry(base, url))
        .join('');
      yield head + body;
      head = '';
      if (rows.length === 0 || rows.length < Math.min(BATCH, left)) {
        break;
      }
      afterId = rows[rows.length - 1].id;
      offset = 0;
      left -= rows.length;
    }
    yield URLSET_CLOSE;
  }
}
