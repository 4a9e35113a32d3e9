import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { pubtatorData, type PubTatorMention } from '../../common/evidence/evidence-merge.js';
import type {
  EvidenceRecord,
  ParseResult,
  RowFailure,
} from '../../common/evidence/evidence-record.js';
import { EvidenceWriter } from '../../genes/evidence/evidence-writer.service.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import { EvidenceSource, type SourceRunContext } from '../base/upstream-source.js';
import type { EvidenceDeclaration } from '../catalog/source-declaration.types.js';
import { UpstreamUnavailableError } from '../upstream/upstream.errors.js';

interface SearchArticle {
  pmid?: number | string;
  title?: string;
  journal?: string;
  date?: string;
  score?: number;
  text_hl?: string;
}

interface SearchPage {
  results?: SearchArticle[];
  total_pages?: number;
  count?: number;
}

/** Where an interrupted run got to; only valid for the same query and mode. */
interface PubTatorCheckpoint extends Record<string, unknown> {
  query_hash: string;
  mode: 'smart' | 'full';
  last_page: number;
  total_pages: number | null;
  quiet_pages: number;
}

/** `@GENE_<symbol> @GENE_<NCBI gene id> @@@<display text>@@@` in the search highlight. */
const GENE_MARKUP = /@GENE_([A-Za-z0-9][A-Za-z0-9._-]*)\s+@GENE_(\d+)\s+@@@([^@]+)@@@/g;
/** Pages in a row that may fail before the run stops (the checkpoint keeps the place). */
const MAX_FAILED_PAGES_IN_A_ROW = 3;

export interface ArticleGene {
  symbol: string;
  ncbiId: string;
  text: string;
}

/** The genes an article's `text_hl` marks up, once each per symbol and NCBI id. */
export function genesInHighlight(textHl: string): ArticleGene[] {
  return readHighlight(textHl).genes;
}

/**
 * The genes of a `text_hl`, and the gene marks it could not read (a `@GENE_` outside a
 * complete mark), so the caller records them as failures instead of dropping them.
 */
export function readHighlight(textHl: string): { genes: ArticleGene[]; unreadable: string[] } {
  const seen = new Map<string, ArticleGene>();
  for (const m of textHl.matchAll(GENE_MARKUP)) {
    const key = `${m[1].toUpperCase()}:${m[2]}`;
    if (!seen.has(key)) {
      seen.set(key, { symbol: m[1], ncbiId: m[2], text: m[3].replace(/<\/?m>/g, '').trim() });
    }
  }
  const rest = textHl.replace(GENE_MARKUP, ' ');
  const unreadable = [...rest.matchAll(/@GENE_\S{0,40}/g)].map((m) => m[0]);
  return { genes: [...seen.values()], unreadable };
}

/**
 * PubTator3: pages of the kidney literature search at the shared NCBI rate limit, genes
 * from the `text_hl` markup, publications per gene merged into what earlier runs stored.
 * Smart mode skips stored articles and stops after a configured number of pages in a row
 * with nothing new. A checkpoint after every stored batch lets an interrupted run resume;
 * a completed run clears it, so the next run starts from page 1 (results are ranked by
 * relevance, so new articles can appear anywhere).
 */
@Injectable()
export class PubTatorSource extends EvidenceSource {
  readonly declaration: EvidenceDeclaration = {
    kind: 'evidence',
    name: 'PubTator',
    namespace: 'pubtator',
    displayName: 'PubTator3',
    description: 'Genes mentioned in kidney-disease literature, by publication count',
    url: 'https://www.ncbi.nlm.nih.gov/research/pubtator3/',
    documentationUrl: 'https://www.ncbi.nlm.nih.gov/research/pubtator3/api',
    scoring: {
      rule: 'count',
      first: [
        ['count', 'publication_count'],
        ['length', 'pmids'],
      ],
    },
    stagingPriority: 20,
    runOrder: 10,
    settings: (config) => config.sources.pubtator,
  };

  constructor(
    kit: SourceToolkit,
    private readonly evidence: EvidenceWriter,
  ) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    const { url, query, mode, smartStopPages, maxPages, pagesPerBatch } =
      this.kit.config.sources.pubtator;
    const base = this.upstream('pubtator', url, '');
    const queryHash = createHash('sha256').update(query).digest('hex').slice(0, 16);
    if (ctx.force) {
      await this.clearCache();
      await this.kit.checkpoints.clear(this.name);
    }
    const saved = await this.kit.checkpoints.get<PubTatorCheckpoint>(this.name);
    const resume = saved && saved.query_hash === queryHash && saved.mode === mode ? saved : null;
    if (resume) {
      this.logger.log(
        { run_id: ctx.runId, page: resume.last_page + 1 },
        'resuming from the checkpoint',
      );
    }
    let page = resume ? resume.last_page + 1 : 1;
    let totalPages = resume?.total_pages ?? null;
    let quietPages = resume?.quiet_pages ?? 0;
    let failedInARow = 0;
    let batch = new PageBatch();
    const lastPage = () =>
      Math.min(totalPages ?? Number.MAX_SAFE_INTEGER, maxPages > 0 ? maxPages : Infinity);
    // Pages read (or skipped) so far, against the pages this run will read.
    let pagesDone = page - 1;
    while (page <= lastPage()) {
      if (ctx.signal.aborted) {
        throw new Error('PubTator run cancelled');
      }
      ctx.progress({
        processed: pagesDone,
        total: totalPages === null ? null : lastPage(),
        current: `page ${page}`,
      });
      let body: SearchPage;
      try {
        body = await this.json<SearchPage>(
          `${base}/search/?text=${encodeURIComponent(query)}&page=${page}&sort=${encodeURIComponent('score desc')}`,
          {
            validate: (b) => (Array.isArray((b as SearchPage).results) ? null : 'no results list'),
            signal: ctx.signal,
          },
        );
      } catch (error) {
        if (ctx.signal.aborted) {
          throw new Error('PubTator run stopped on request', { cause: error });
        }
        // Past the last page (the count changed since page 1): the end of the results.
        if (error instanceof UpstreamUnavailableError && error.upstreamStatus === 404 && page > 1) {
          break;
        }
        failedInARow += 1;
        const reason = error instanceof Error ? error.message : String(error);
        if (failedInARow >= MAX_FAILED_PAGES_IN_A_ROW) {
          throw new Error(`PubTator: ${failedInARow} pages in a row failed, last: ${reason}`, {
            cause: error,
          });
        }
        batch.failures.push({ row: page, reason: `page ${page}: ${reason}` });
        this.logger.warn({ run_id: ctx.runId, page }, `page skipped: ${reason}`);
        pagesDone = page;
        page += 1;
        continue;
      }
      failedInARow = 0;
      pagesDone = page;
      if (Number.isInteger(body.total_pages)) {
        totalPages = body.total_pages!;
      }
      const known = mode === 'smart' ? await this.storedPmids(body.results!) : new Set<string>();
      const fresh = batch.addPage(page, body.results!, known);
      quietPages = fresh === 0 ? quietPages + 1 : 0;
      const stop = mode === 'smart' && quietPages >= smartStopPages;
      if (stop || batch.pages >= pagesPerBatch || page >= lastPage()) {
        yield batch.result(query);
        await this.kit.checkpoints.save(this.name, {
          query_hash: queryHash,
          mode,
          last_page: page,
          total_pages: totalPages,
          quiet_pages: quietPages,
        } satisfies PubTatorCheckpoint);
        batch = new PageBatch();
      }
      if (stop) {
        this.logger.log(
          { run_id: ctx.runId, page, quiet_pages: quietPages },
          'smart mode: nothing new for several pages, stopping',
        );
        break;
      }
      page += 1;
    }
    if (batch.pages > 0 || batch.failures.length > 0) {
      yield batch.result(query);
    }
    ctx.progress({ processed: pagesDone, total: pagesDone, current: 'done' });
    await this.kit.checkpoints.clear(this.name);
  }

  /** The PMIDs of `articles` that stored PubTator evidence already holds. */
  private async storedPmids(articles: SearchArticle[]): Promise<Set<string>> {
    const pmids = articles.map((a) => String(a.pmid ?? '')).filter((p) => p.length > 0);
    if (pmids.length === 0) {
      return new Set();
    }
    return this.evidence.listedIn(this.name, 'pmids', pmids);
  }
}

/** Articles of some pages, folded per gene. */
class PageBatch {
  pages = 0;
  rows = 0;
  unchanged = 0;
  readonly failures: RowFailure[] = [];
  private readonly genes = new Map<
    string,
    { symbol: string; pmids: Set<string>; ids: Set<string>; mentions: PubTatorMention[] }
  >();

  /** Adds a page; returns how many of its articles were new. */
  addPage(page: number, articles: SearchArticle[], known: Set<string>): number {
    this.pages += 1;
    let fresh = 0;
    for (const [i, article] of articles.entries()) {
      this.rows += 1;
      const pmid = String(article.pmid ?? '');
      if (!/^\d+$/.test(pmid)) {
        this.failures.push({ row: page, reason: `page ${page}, article ${i + 1}: no PMID` });
        continue;
      }
      if (known.has(pmid)) {
        this.unchanged += 1;
        continue;
      }
      const { genes, unreadable } = readHighlight(article.text_hl ?? '');
      if (unreadable.length > 0) {
        this.failures.push({
          row: page,
          reason: `page ${page}, article ${i + 1} (PMID ${pmid}): unreadable gene mark ${unreadable.slice(0, 3).join(', ')}`,
        });
      }
      // Articles naming no gene are never stored, so they cannot count as news either.
      if (genes.length > 0) {
        fresh += 1;
      }
      for (const gene of genes) {
        const key = gene.symbol.toUpperCase();
        const entry = this.genes.get(key) ?? {
          symbol: gene.symbol,
          pmids: new Set<string>(),
          ids: new Set<string>(),
          mentions: [],
        };
        entry.pmids.add(pmid);
        entry.ids.add(gene.ncbiId);
        entry.mentions.push({
          pmid,
          title: article.title ?? null,
          journal: article.journal ?? null,
          date: article.date ?? null,
          score: typeof article.score === 'number' ? article.score : null,
          text: gene.text,
        });
        this.genes.set(key, entry);
      }
    }
    return fresh;
  }

  result(query: string): ParseResult {
    const records: EvidenceRecord[] = [...this.genes.values()].map((g) => {
      const data = pubtatorData(g.pmids, g.mentions, g.ids, query);
      return {
        symbol: g.symbol,
        hgncId: null,
        data,
        detail: `PubTator: ${g.pmids.size} publications`,
      };
    });
    return { records, failures: this.failures, rows: this.rows, unchanged: this.unchanged };
  }
}
