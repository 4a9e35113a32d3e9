import type { INestApplication } from '@nestjs/common';

import { EvidenceWriter } from '../../src/genes/evidence/evidence-writer.service.js';
import { GenesRepository } from '../../src/genes/genes.repository.js';
import { GenesService } from '../../src/genes/genes.service.js';
import { ScoreRefresher } from '../../src/genes/scoring/score-refresher.service.js';

export interface SeedGene {
  symbol: string;
  hgncId: string;
  aliases?: string[];
  previousSymbols?: string[];
  evidence?: Record<string, Record<string, unknown>>;
}

/** Creates genes and their evidence through the service, then waits for fresh scores. */
export async function seedGenes(
  app: INestApplication,
  genes: SeedGene[],
): Promise<Map<string, number>> {
  const service = app.get(GenesService);
  const writer = app.get(EvidenceWriter);
  const ids = new Map<string, number>();
  for (const g of genes) {
    const created = await service.create({
      hgnc_id: g.hgncId,
      approved_symbol: g.symbol,
      aliases: g.aliases,
      previous_symbols: g.previousSymbols,
    });
    ids.set(g.symbol, Number(created.id));
    for (const [source, data] of Object.entries(g.evidence ?? {})) {
      await writer.upsertOne(Number(created.id), source, data, `${source} test evidence`);
    }
  }
  app.get(ScoreRefresher).markDirty();
  await app.get(ScoreRefresher).settled();
  return ids;
}

/**
 * Inserts genes the way an import does, below the service: no evidence and no score
 * refresh scheduled, so they have no gene_scores row until the next refresh.
 */
export async function insertUnscoredGenes(
  app: INestApplication,
  genes: Pick<SeedGene, 'symbol' | 'hgncId' | 'aliases'>[],
): Promise<void> {
  const repository = app.get(GenesRepository);
  for (const g of genes) {
    await repository.insertGeneIfAbsent({
      hgncId: g.hgncId,
      symbol: g.symbol,
      name: null,
      aliases: g.aliases ?? [],
      previousSymbols: [],
    });
  }
}

const pmids = (n: number) => Array.from({ length: n }, (_, i) => String(30_000_000 + i));
const panels = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `Kidney panel ${i + 1}` }));
const terms = (n: number) => Array.from({ length: n }, (_, i) => `HP:00${String(12210 + i)}`);

/**
 * Hand-worked scoring dataset (7 active sources). Expected scores are in
 * genes-scoring.e2e-spec.ts with the arithmetic spelled out.
 */
export const SCORING_DATASET: SeedGene[] = [
  {
    symbol: 'PKD1',
    hgncId: 'HGNC:9008',
    aliases: ['PBP'],
    evidence: {
      PanelApp: { panels: panels(3) },
      PubTator: { publication_count: 10, pmids: pmids(10) },
      HPO: { hpo_terms: terms(4) },
      DiagnosticPanels: { panel_count: 5 },
      Literature: { publications: ['PMID:26862157', 'PMID:29801666'] },
      // Order must not matter: the maximum counts (Definitive).
      ClinGen: { classifications: ['Limited', 'Definitive'] },
      GenCC: { classifications: ['Strong', 'Refuted Evidence'] },
    },
  },
  {
    symbol: 'PKD2',
    hgncId: 'HGNC:9009',
    evidence: {
      PanelApp: { panels: panels(1) },
      PubTator: { publication_count: 5 },
      DiagnosticPanels: { panel_count: 2 },
      ClinGen: { classifications: ['Moderate'] },
      GenCC: { classifications: [{ classification: 'Supportive' }] },
    },
  },
  {
    symbol: 'COL4A5',
    hgncId: 'HGNC:2207',
    evidence: {
      PanelApp: { panels: panels(2) },
      DiagnosticPanels: { panel_count: 3 },
      ClinGen: { classification: 'Strong' },
      GenCC: { classifications: ['Definitive'] },
    },
  },
  { symbol: 'NPHS1', hgncId: 'HGNC:7908', evidence: { PubTator: { publication_count: 7 } } },
  { symbol: 'UMOD', hgncId: 'HGNC:12559', evidence: { HPO: { hpo_terms: terms(3) } } },
  {
    symbol: 'NPHS2',
    hgncId: 'HGNC:13394',
    evidence: { PanelApp: { panels: panels(1) }, PubTator: { pmids: pmids(1) } },
  },
  { symbol: 'HNF1B', hgncId: 'HGNC:11630', evidence: { PubTator: { publication_count: 1 } } },
  {
    symbol: 'CFH',
    hgncId: 'HGNC:4883',
    evidence: { HPO: { hpo_terms: terms(2) }, GenCC: { classifications: ['Refuted Evidence'] } },
  },
  { symbol: 'SLC34A1', hgncId: 'HGNC:11019', previousSymbols: ['NPT2'] },
];
