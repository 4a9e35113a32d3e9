import { Injectable } from '@nestjs/common';

import {
  type EvidenceRecord,
  HGNC_ID,
  matchesAny,
  type ParseResult,
  type RowFailure,
  uniqueSorted,
} from '../../common/evidence/evidence-record.js';
import { SourceToolkit } from '../base/source-toolkit.js';
import { EvidenceSource, type SourceRunContext } from '../base/upstream-source.js';
import type { EvidenceDeclaration } from '../catalog/source-declaration.types.js';
import { UpstreamUnavailableError } from '../upstream/upstream.errors.js';

interface PanelListPage {
  next?: string | null;
  results?: PanelSummary[];
}

interface PanelSummary {
  id: number;
  name: string;
  version?: string;
  description?: string;
}

interface PanelGene {
  entity_type?: string;
  entity_name?: string;
  confidence_level?: string | number;
  mode_of_inheritance?: string;
  phenotypes?: string[];
  evidence?: string[];
  gene_data?: { hgnc_id?: string; gene_symbol?: string };
}

interface PanelDetail extends PanelSummary {
  genes?: PanelGene[];
}

const CONFIDENCE: Record<string, string> = {
  '4': 'green',
  '3': 'green',
  '2': 'amber',
  '1': 'red',
  '0': 'red',
};
const MAX_PAGES = 200;

/** Page numbers are taken from `next`, but requests stay on the configured base URL. */
function nextPage(next: string | null | undefined): number | null {
  if (!next) {
    return null;
  }
  const page = Number(new URL(next, 'http://x').searchParams.get('page'));
  return Number.isInteger(page) && page > 0 ? page : null;
}

/**
 * PanelApp UK and Australia: every page of the panel list, kidney panels by name or
 * description (never adrenal), then each panel's genes at the configured confidence
 * levels. Per gene: the panels (with region, version and confidence) it is on.
 */
@Injectable()
export class PanelAppSource extends EvidenceSource {
  readonly declaration: EvidenceDeclaration = {
    kind: 'evidence',
    name: 'PanelApp',
    namespace: 'panelapp',
    displayName: 'PanelApp (UK and Australia)',
    description: 'Green genes of kidney-related diagnostic gene panels',
    url: 'https://panelapp.genomicsengland.co.uk',
    documentationUrl: 'https://panelapp.genomicsengland.co.uk/api/docs/',
    scoring: { rule: 'count', first: [['length', 'panels']] },
    stagingPriority: 100,
    runOrder: 0,
    settings: (config) => config.sources.panelapp,
  };

  constructor(kit: SourceToolkit) {
    super(kit);
  }

  async *batches(ctx: SourceRunContext): AsyncGenerator<ParseResult> {
    if (ctx.force) {
      await this.clearCache();
    }
    yield await this.load(ctx);
  }

  private async load(ctx: SourceRunContext): Promise<ParseResult> {
    const { panelapp, kidneyKeywords } = this.kit.config.sources;
    const regions = panelapp.regions.map((r) => ({
      ...r,
      url: this.upstream('panelapp', r.url, `/${r.region === 'UK' ? 'uk' : 'au'}/api/v1`),
    }));
    const byGene = new Map<
      string,
      {
        symbol: string;
        hgncId: string | null;
        panels: Record<string, unknown>[];
        phenotypes: Set<string>;
        moi: Set<string>;
        levels: Set<string>;
      }
    >();
    const failures: RowFailure[] = [];
    let rows = 0;
    for (const { region, url } of regions) {
      const panels = (await this.listPanels(url, region)).filter((p) => {
        const text = `${p.name ?? ''} ${p.description ?? ''}`;
        return matchesAny(text, kidneyKeywords) && !/adrenal/i.test(text);
      });
      for (const [n, summary] of panels.entries()) {
        ctx.progress({ processed: n, total: panels.length, current: `${region}: ${summary.name}` });
        const panel = await this.json<PanelDetail>(`${url}/panels/${summary.id}/?format=json`);
        for (const gene of panel.genes ?? []) {
          rows += 1;
          const symbol = gene.gene_data?.gene_symbol ?? gene.entity_name;
          const level = String(gene.confidence_level ?? '');
          if (!symbol || !(level in CONFIDENCE)) {
            failures.push({
              row: rows,
              reason: `panel ${summary.id}: gene without symbol or confidence level`,
            });
            continue;
          }
          if (gene.entity_type && gene.entity_type !== 'gene') {
            continue;
          }
          if (!panelapp.confidenceLevels.includes(level)) {
            continue;
          }
          const hgncId = HGNC_ID.test(gene.gene_data?.hgnc_id ?? '')
            ? gene.gene_data!.hgnc_id!
            : null;
          const key = hgncId ?? `symbol:${symbol.toUpperCase()}`;
          const entry = byGene.get(key) ?? {
            symbol,
            hgncId,
            panels: [],
            phenotypes: new Set(),
            moi: new Set(),
            levels: new Set(),
          };
          entry.panels.push({
            id: panel.id,
            name: panel.name,
            version: panel.version ?? null,
            region,
            confidence: CONFIDENCE[level],
          });
          for (const p of gene.phenotypes ?? []) {
            entry.phenotypes.add(p);
          }
          if (gene.mode_of_inheritance) {
            entry.moi.add(gene.mode_of_inheritance);
          }
          entry.levels.add(CONFIDENCE[level]);
          byGene.set(key, entry);
        }
      }
    }
    const records: EvidenceRecord[] = [...byGene.values()].map((g) => {
      const regions = uniqueSorted(g.panels.map((p) => String(p.region)));
      return {
        symbol: g.symbol,
        hgncId: g.hgncId,
        data: {
          hgnc_id: g.hgncId,
          panels: g.panels,
          panel_count: g.panels.length,
          regions,
          phenotypes: uniqueSorted(g.phenotypes),
          modes_of_inheritance: uniqueSorted(g.moi),
          evidence_levels: uniqueSorted(g.levels),
        },
        detail: `PanelApp (${regions.join(', ')}): ${g.panels.length} panel(s)`,
      };
    });
    return { records, failures, rows };
  }

  private async listPanels(base: string, region: string): Promise<PanelSummary[]> {
    const panels: PanelSummary[] = [];
    for (let page: number | null = 1, n = 0; page !== null && n < MAX_PAGES; n++) {
      let body: PanelListPage;
      try {
        body = await this.json<PanelListPage>(`${base}/panels/?format=json&page=${page}`);
      } catch (error) {
        // A page past the end answers 404 {"detail": "Invalid page."}.
        if (error instanceof UpstreamUnavailableError && error.upstreamStatus === 404 && page > 1) {
          break;
        }
        throw error;
      }
      if (!Array.isArray(body.results)) {
        throw new Error(`PanelApp ${region}: page ${page} has no results list`);
      }
      panels.push(...body.results);
      page = nextPage(body.next);
    }
    return panels;
  }
}
