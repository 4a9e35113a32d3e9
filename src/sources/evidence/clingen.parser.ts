import {
  type EvidenceRecord,
  HGNC_ID,
  matchesAny,
  type ParseResult,
  type RowFailure,
  uniqueSorted,
} from '../../common/evidence/evidence-record.js';
import { parseDelimited } from '../parsing/delimited.js';

export interface ClinGenFilter {
  /** GCEP names (without the "Gene Curation Expert Panel" suffix) that are kidney panels. */
  expertPanels: readonly string[];
  /** Lower-case keywords; a disease label containing one is kept whatever the panel. */
  keywords: readonly string[];
}

interface Validity {
  disease_name: string;
  mondo_id: string;
  mode_of_inheritance: string;
  classification: string;
  expert_panel: string;
  release_date: string;
  report_url: string;
}

const REQUIRED = ['GENE SYMBOL', 'GENE ID (HGNC)', 'DISEASE LABEL', 'CLASSIFICATION'];

/**
 * The gene-validity CSV: three banner rows, a `+++` rule row, the header, a second rule
 * row, then data (older files lack the GCEP column). Kidney rows are those of a kidney
 * expert panel or with a kidney keyword in the disease label; every classification kept.
 */
export function parseClinGenCsv(text: string, filter: ClinGenFilter): ParseResult {
  const rows = parseDelimited(text, ',');
  const headerIndex = rows.findIndex((r) => r[0]?.trim().toUpperCase() === 'GENE SYMBOL');
  if (headerIndex < 0) {
    throw new Error('ClinGen CSV: no header row with GENE SYMBOL');
  }
  const header = rows[headerIndex].map((h) => h.trim().toUpperCase());
  const missing = REQUIRED.filter((h) => !header.includes(h));
  if (missing.length) {
    throw new Error(`ClinGen CSV: missing columns ${missing.join(', ')}`);
  }
  const col = (row: string[], name: string) => (row[header.indexOf(name)] ?? '').trim();
  const panels = filter.expertPanels.map((p) => p.toLowerCase());
  const byGene = new Map<string, { symbol: string; hgncId: string; validities: Validity[] }>();
  const failures: RowFailure[] = [];
  let count = 0;
  rows.slice(headerIndex + 1).forEach((row, i) => {
    if (row[0]?.startsWith('+')) {
      return;
    } // the rule rows around the header
    count += 1;
    const rowNumber = headerIndex + 2 + i;
    const symbol = col(row, 'GENE SYMBOL');
    const hgncId = col(row, 'GENE ID (HGNC)');
    const classification = col(row, 'CLASSIFICATION');
    if (!symbol || !HGNC_ID.test(hgncId) || !classification) {
      failures.push({
        row: rowNumber,
        reason: `incomplete row (symbol "${symbol}", HGNC "${hgncId}", classification "${classification}")`,
      });
      return;
    }
    const gcep = col(row, 'GCEP');
    const disease = col(row, 'DISEASE LABEL');
    const panel = gcep.replace(/\s*Gene Curation Expert Panel\s*$/i, '').toLowerCase();
    if (!panels.includes(panel) && !matchesAny(disease, filter.keywords)) {
      return;
    }
    const entry = byGene.get(hgncId) ?? { symbol, hgncId, validities: [] };
    entry.validities.push({
      disease_name: disease,
      mondo_id: col(row, 'DISEASE ID (MONDO)'),
      mode_of_inheritance: col(row, 'MOI'),
      classification,
      expert_panel: gcep,
      release_date: col(row, 'CLASSIFICATION DATE'),
      report_url: col(row, 'ONLINE REPORT'),
    });
    byGene.set(hgncId, entry);
  });
  const records: EvidenceRecord[] = [...byGene.values()].map((g) => {
    const classifications = uniqueSorted(g.validities.map((v) => v.classification));
    return {
      symbol: g.symbol,
      hgncId: g.hgncId,
      data: {
        hgnc_id: g.hgncId,
        validities: g.validities,
        classifications,
        diseases: uniqueSorted(g.validities.map((v) => v.disease_name)),
        expert_panels: uniqueSorted(g.validities.map((v) => v.expert_panel)),
        modes_of_inheritance: uniqueSorted(g.validities.map((v) => v.mode_of_inheritance)),
        validity_count: g.validities.length,
      },
      detail: `ClinGen: ${g.validities.length} assessment(s) (${classifications.join(', ')})`,
    };
  });
  return { records, failures, rows: count };
}
