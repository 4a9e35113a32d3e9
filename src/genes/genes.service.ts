import { HttpStatus, Injectable, Logger } from '@nestjs/common';

import { CacheService } from '../cache/cache.service.js';
import {
  ConflictError,
  DomainError,
  isUniqueViolation,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/index.js';
import { annotationSourceName } from './annotations/original-annotation-shape.js';
import type { CreateGeneRequest } from './dto/create-gene.request.js';
import type {
  EvidenceListResponse,
  GeneAttributes,
  GeneDetailResponse,
  GeneListResponse,
  GeneResource,
  ResolveResponse,
} from './dto/gene.response.js';
import type { ListGenesQuery } from './dto/list-genes.query.js';
import { EVIDENCE_GROUPS, EVIDENCE_TIERS, TIER_GROUP } from './evidence-tiers.js';
import {
  type GeneFilter,
  type GeneRow,
  GenesRepository,
  SORT_FIELDS,
  type SortField,
  type SortKey,
} from './genes.repository.js';
import { withOriginalEvidenceFields } from './original-evidence-fields.js';
import { ScoreRefresher } from './scoring/score-refresher.service.js';

class GeneNotFoundError extends DomainError {
  readonly code = 'GENE_NOT_FOUND';
  readonly status = HttpStatus.NOT_FOUND;
}

const num = (v: string | number | null | undefined): number =>
  v === null || v === undefined ? 0 : Number(v);

export function parseSort(sort: string): SortKey[] {
  const keys = sort
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const known = new Set<string>(SORT_FIELDS);
  const unknown = keys.filter((k) => !known.has(k.replace(/^-/, '')));
  if (keys.length === 0 || unknown.length > 0) {
    throw new ValidationFailedError([
      {
        field: 'sort',
        messages: [
          `unknown sort key(s): ${unknown.join(', ') || '(empty)'}; allowed: ${SORT_FIELDS.join(', ')}`,
        ],
      },
    ]);
  }
  return keys.map((k) => ({
    field: k.replace(/^-/, '') as SortField,
    descending: k.startsWith('-'),
  }));
}

/** The list parameters apart from paging: what the list and its export share. */
export type GeneListCriteriaQuery = Omit<ListGenesQuery, 'page[number]' | 'page[size]'>;

/**
 * The filter and sort of a gene list request, checked beyond what the DTO validates
 * (sort keys, id list). The list and the export read their parameters only through
 * this, so the two can never select different genes.
 */
/** The list's filter when the query names none (zero scores hidden). */
const DEFAULT_LIST_FILTER: GeneFilter = { hideZeroScores: true };

export function geneListCriteria(query: GeneListCriteriaQuery): {
  filter: GeneFilter;
  sort: SortKey[];
} {
  const sort = parseSort(query.sort);
  const ids = query['filter[ids]'];
  if (ids?.some((id) => !Number.isInteger(id))) {
    throw new ValidationFailedError([
      {
        field: 'filter[ids]',
        messages: ['filter[ids] must be a comma list of positive integers'],
      },
    ]);
  }
  const filter: GeneFilter = {
    search: query['filter[search]'],
    minScore: query['filter[min_score]'],
    maxScore: query['filter[max_score]'],
    minCount: query['filter[min_count]'],
    maxCount: query['filter[max_count]'],
    source: query['filter[source]'],
    tiers: query['filter[tier]'],
    group: query['filter[group]'],
    hideZeroScores: query['filter[hide_zero_scores]'],
    ids,
  };
  return { filter, sort };
}

/** A gene's list attributes (the list item's `attributes`, also the export's columns). */
export function attributes(row: GeneRow): GeneAttributes {
  return {
    hgnc_id: row.hgnc_id,
    approved_symbol: row.approved_symbol,
    name: row.name,
    aliases: row.aliases,
    previous_symbols: row.previous_symbols,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    evidence_count: num(row.evidence_count),
    evidence_score: num(row.evidence_score),
    evidence_tier: row.evidence_tier,
    evidence_group: row.evidence_group,
    sources: row.sources,
  };
}

function resource(row: GeneRow): GeneResource {
  return { type: 'genes', id: String(row.id), attributes: attributes(row) };
}

/** Gene reads (list, detail, evidence, resolve) and curated gene creation. */
@Injectable()
export class GenesService {
  private readonly logger = new Logger(GenesService.name);

  constructor(
    private readonly genes: GenesRepository,
    private readonly scores: ScoreRefresher,
    private readonly cache: CacheService,
  ) {
    scores.onRefreshed('gene list aggregates', () =>
      Promise.all([this.tierCounts(DEFAULT_LIST_FILTER), this.overview(), this.sources()]),
    );
  }

  /** Totals over every gene (a full scan at 50,000 genes takes about 30 ms): per refresh. */
  private overview() {
    return this.cache.wrap('list-overview', () => this.genes.overview(), 'genes-meta');
  }

  /** The sources holding any evidence (a scan of every evidence row): per refresh. */
  private sources() {
    return this.cache.wrap('evidence-sources', () => this.genes.evidenceSources(), 'genes-meta');
  }

  /**
   * Tier counts of a filter (its tier filter aside), computed once per score refresh:
   * they change only then, and every page and sort of a filter shares them. Kept in
   * `genes-meta`, which a refresh clears; the default filter's are recomputed right after.
   */
  private tierCounts(filter: GeneFilter) {
    const { tiers: _ignored, ...key } = filter;
    return this.cache.wrap({ tierCounts: key }, () => this.genes.tierCounts(filter), 'genes-meta');
  }

  async list(query: ListGenesQuery, path: string, rawQuery: string): Promise<GeneListResponse> {
    const { filter, sort } = geneListCriteria(query);
    const page = query['page[number]'];
    const size = query['page[size]'];
    // Dataset-wide figures change only with a score refresh, which clears the namespace.
    const [rows, tiers, overview, sources] = await Promise.all([
      this.genes.page(filter, sort, size, (page - 1) * size),
      this.tierCounts(filter),
      this.overview(),
      this.sources(),
    ]);
    // One grouped count serves both the tier breakdown and the total.
    const total = tiers
      .filter((t) => !filter.tiers?.length || filter.tiers.includes(t.tier))
      .reduce((n, t) => n + t.n, 0);
    const pageCount = Math.ceil(total / size);
    const evidenceTiers: Record<string, Record<string, number>> = {};
    for (const group of EVIDENCE_GROUPS) {
      evidenceTiers[group] = { total: 0 };
    }
    for (const { tier, n } of tiers) {
      const group = TIER_GROUP[tier];
      evidenceTiers[group][tier] = n;
      evidenceTiers[group].total += n;
    }
    return {
      data: rows.map(resource),
      meta: {
        total,
        page,
        per_page: size,
        page_count: pageCount,
        filters: {
          evidence_score: { min: 0, max: 100 },
          evidence_count: { min: 0, max: overview.max_count },
          available_sources: sources,
        },
        evidence_tiers: evidenceTiers,
        valid_tiers: [...EVIDENCE_TIERS],
        valid_groups: [...EVIDENCE_GROUPS],
        total_genes: overview.total,
        hidden_zero_scores: filter.hideZeroScores ? overview.zero : 0,
      },
      links: pageLinks(path, rawQuery, page, Math.max(pageCount, 1)),
    };
  }

  private async require(symbol: string): Promise<GeneRow> {
    const row = await this.genes.findOne(symbol);
    if (!row) {
      throw new GeneNotFoundError(`Gene ${symbol} not found`);
    }
    return row;
  }

  async detail(symbol: string): Promise<GeneDetailResponse> {
    const row = await this.require(symbol);
    return {
      data: {
        type: 'genes',
        id: String(row.id),
        attributes: {
          ...attributes(row),
          score_breakdown: row.source_scores,
          source_scores: row.source_scores,
          raw_score: num(row.raw_score),
          total_active_sources: row.total_active_sources,
        },
      },
    };
  }

  async evidence(symbol: string): Promise<EvidenceListResponse> {
    const gene = await this.require(symbol);
    const rows = await this.genes.evidence(gene.id);
    return {
      data: rows.map((e) => ({
        type: 'evidence',
        id: String(e.id),
        attributes: {
          source_name: e.source_name,
          source_detail: e.source_detail,
          evidence_data: withOriginalEvidenceFields(
            e.source_name,
            e.evidence_data,
            gene.source_scores[e.source_name] ?? null,
            e.updated_at,
          ),
          evidence_date: e.evidence_date,
          created_at: e.created_at.toISOString(),
          updated_at: e.updated_at.toISOString(),
          // From the same materialized scores as the gene, so the two never disagree.
          normalized_score: gene.source_scores[e.source_name] ?? null,
        },
        relationships: { gene: { data: { type: 'genes', id: String(gene.id) } } },
      })),
      meta: { gene_symbol: gene.approved_symbol, gene_id: gene.id, evidence_count: rows.length },
    };
  }

  /**
   * Resolves free text in a fixed order: HGNC id, Ensembl gene id, NCBI gene id, UniProt
   * accession, approved symbol, then aliases and previous symbols. More than one gene
   * from the first matching kind is ambiguous.
   */
  async resolve(query: string): Promise<ResolveResponse> {
    const q = query.trim();
    const kinds: ('hgnc_id' | 'ensembl' | 'ncbi' | 'uniprot' | 'symbol' | 'alias')[] = [];
    if (/^hgnc:\d+$/i.test(q)) {
      kinds.push('hgnc_id');
    } else if (/^ENSG\d+(\.\d+)?$/i.test(q)) {
      kinds.push('ensembl');
    } else if (/^\d+$/.test(q)) {
      kinds.push('ncbi');
    } else {
      if (/^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$/i.test(q)) {
        kinds.push('uniprot');
      }
      kinds.push('symbol', 'alias');
    }
    for (const kind of kinds) {
      const found = await this.genes.resolveCandidates(kind, q);
      if (found.length === 1) {
        const g = found[0];
        return {
          data: {
            type: 'gene',
            id: String(g.id),
            attributes: {
              hgnc_id: g.hgnc_id,
              approved_symbol: g.approved_symbol,
              matched_on: g.matched_on,
              match_type: kind,
            },
          },
          meta: { ambiguous: false, query: q },
        };
      }
      if (found.length > 1) {
        return {
          data: null,
          meta: {
            ambiguous: true,
            query: q,
            candidates: found.map((g) => ({
              id: String(g.id),
              hgnc_id: g.hgnc_id,
              approved_symbol: g.approved_symbol,
            })),
          },
        };
      }
    }
    throw new GeneNotFoundError(`No gene matches "${q}"`);
  }

  async create(request: CreateGeneRequest): Promise<GeneResource> {
    const hgncId = request.hgnc_id.toUpperCase();
    let id: number;
    try {
      id = await this.genes.insertGene({
        hgncId,
        symbol: request.approved_symbol,
        name: request.name ?? null,
        aliases: request.aliases ?? [],
        previousSymbols: request.previous_symbols ?? [],
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `A gene with ${hgncId} or symbol ${request.approved_symbol} already exists`,
        );
      }
      throw error;
    }
    this.logger.log({ gene_id: id, hgnc_id: hgncId }, 'gene created');
    this.scores.markDirty();
    const row = await this.genes.findById(id);
    if (!row) {
      throw new NotFoundError(`Gene ${id} vanished`);
    }
    return resource(row);
  }

  hasEvidence(): Promise<boolean> {
    return this.genes.hasEvidence();
  }

  /** HPO classifications of the genes that have one; `not_found` lists the others. */
  async hpoClassifications(geneIds: number[]) {
    const started = performance.now();
    const unique = [...new Set(geneIds)];
    const rows = await this.genes.hpoClassifications(unique);
    const found = new Set(rows.map((r) => r.gene_id));
    return {
      data: rows,
      metadata: {
        gene_count: rows.length,
        not_found: unique.filter((id) => !found.has(id)),
        fetch_time_ms: Math.round((performance.now() - started) * 10) / 10,
      },
    };
  }

  /** Several genes' annotation rows (unknown ids are left out), optionally from some sources. */
  annotationsOf(geneIds: number[], sources?: string[]) {
    return this.genes.annotationsOf(
      geneIds,
      sources ? sources.map((s) => annotationSourceName(s)) : null,
    );
  }

  async annotations(geneId: number, source?: string) {
    const gene = await this.genes.findById(geneId);
    if (!gene) {
      throw new GeneNotFoundError(`Gene ${geneId} not found`);
    }
    return { gene, rows: await this.genes.annotations(geneId, source) };
  }
}

function pageLinks(path: string, rawQuery: string, page: number, last: number) {
  const make = (n: number) => {
    const params = new URLSearchParams(rawQuery);
    params.set('page[number]', String(n));
    return `${path}?${params.toString().replace(/%5B/g, '[').replace(/%5D/g, ']')}`;
  };
  return {
    self: make(page),
    first: make(1),
    last: make(last),
    prev: page > 1 ? make(Math.min(page - 1, last)) : null,
    next: page < last ? make(page + 1) : null,
  };
}
