import {
  type EvidenceRecord,
  HGNC_ID,
  matchesAny,
  type ParseResult,
  type RowFailure,
  uniqueSorted,
} from '../../common/evidence/evidence-record.js';
import { parseDelimited } from '../parsing/delimited.js';

interface Submission {
  disease_name: string;
  disease_curie: string;
  classification: string;
  submitter: string;
  mode_of_inheritance: string;
  submission_date: string;
}

const DISEASE_FIELDS = ['disease_title', 'disease_original_title', 'submitted_as_disease_name'];

/**
 * GenCC submissions (legacy 30-column or new 31-column layout, TSV or CSV, told apart by
 * the header). Kept: submissions whose disease names contain a kidney keyword; every
 * submission keeps its classification, submitter and mode of inheritance.
 */
export function parseGenccDelimited(text: string, keywords: readonly string[]): ParseResult {
  const firstLine = text.slice(0, text.indexOf('\n'));
  const rows = parseDelimited(text, firstLine.includes('\t') ? '\t' : ',');
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  for (const required of ['gene_curie', 'gene_symbol', 'classification_title']) {
    if (!header.includes(required)) {
      throw new Error(`GenCC file: missing column ${required}`);
    }
  }
  const col = (row: string[], name: string) => (row[header.indexOf(name)] ?? '').trim();
  const byGene = new Map<
    string,
    { symbol: string; hgncId: string | null; submissions: Submission[] }
  >();
  const failures: RowFailure[] = [];
  rows.slice(1).forEach((row, i) => {
    const symbol = col(row, 'gene_symbol') || col(row, 'submitted_as_hgnc_symbol');
    const curie = col(row, 'gene_curie') || col(row, 'submitted_as_hgnc_id');
    const classification =
      col(row, 'classification_title') || col(row, 'submitted_as_classification_name');
    if (!symbol || !classification) {
      failures.push({ row: i + 2, reason: 'missing gene symbol or classification' });
      return;
    }
    const diseases = DISEASE_FIELDS.map((f) => col(row, f)).filter(Boolean);
    if (!diseases.some((d) => matchesAny(d, keywords))) {
      return;
    }
    const hgncId = HGNC_ID.test(curie) ? curie : null;
    const key = hgncId ?? `symbol:${symbol.toUpperCase()}`;
    const entry = byGene.get(key) ?? { symbol, hgncId, submissions: [] };
    entry.submissions.push({
      disease_name: diseases[0],
      disease_curie: col(row, 'disease_curie'),
      classification,
      submitter: col(row, 'submitter_title') || col(row, 'submitted_as_submitter_name'),
      mode_of_inheritance: col(row, 'moi_title') || col(row, 'submitted_as_moi_name'),
      submission_date: col(row, 'submitted_as_date'),
    });
    byGene.set(key, entry);
  });
  const records: EvidenceRecord[] = [...byGene.values()].map((g) => {
    const classifications = uniqueSorted(g.submissions.map((s) => s.classification));
    const submitters = uniqueSorted(g.submissions.map((s) => s.submitter));
    return {
      symbol: g.symbol,
      hgncId: g.hgncId,
      data: {
        hgnc_id: g.hgncId,
        submissions: g.submissions,
        classifications,
        submitters,
        diseases: uniqueSorted(g.submissions.map((s) => s.disease_name)),
        modes_of_inheritance: uniqueSorted(g.submissions.map((s) => s.mode_of_inheritance)),
        submission_count: g.submissions.length,
      },
      detail: `GenCC: ${g.submissions.length} submission(s) from ${submitters.length} submitter(s)`,
    };
  });
  return { records, failures, rows: Math.max(0, rows.length - 1) };
}
