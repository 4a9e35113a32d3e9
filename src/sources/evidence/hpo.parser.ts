import {
  type EvidenceRecord,
  type ParseResult,
  type RowFailure,
  uniqueSorted,
} from '../../common/evidence/evidence-record.js';

export { descendantsOf } from '../parsing/obographs.js';

/**
 * genes_to_phenotype.txt (tab-separated: ncbi_gene_id, gene_symbol, hpo_id, hpo_name,
 * frequency, disease_id): per gene, its kidney terms and the diseases they come from.
 */
export function parseGenesToPhenotype(text: string, kidneyTerms: Set<string>): ParseResult {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.startsWith('ncbi_gene_id\t'));
  if (headerIndex < 0) {
    throw new Error('genes_to_phenotype: no header line starting with ncbi_gene_id');
  }
  const header = lines[headerIndex].split('\t');
  const idx = (name: string) => header.indexOf(name);
  const [gi, si, hi, di] = [
    idx('ncbi_gene_id'),
    idx('gene_symbol'),
    idx('hpo_id'),
    idx('disease_id'),
  ];
  if ([gi, si, hi].some((i) => i < 0)) {
    throw new Error('genes_to_phenotype: missing columns');
  }
  const byGene = new Map<
    string,
    { symbol: string; ncbi: string; terms: Set<string>; diseases: Set<string> }
  >();
  const failures: RowFailure[] = [];
  let rows = 0;
  lines.slice(headerIndex + 1).forEach((line, i) => {
    if (!line.trim()) {
      return;
    }
    rows += 1;
    const cells = line.split('\t');
    const symbol = cells[si]?.trim() ?? '';
    const term = cells[hi]?.trim() ?? '';
    if (!symbol || !/^HP:\d{7}$/.test(term)) {
      failures.push({ row: headerIndex + 2 + i, reason: 'missing gene symbol or HPO id' });
      return;
    }
    if (!kidneyTerms.has(term)) {
      return;
    }
    const entry = byGene.get(symbol) ?? {
      symbol,
      ncbi: cells[gi]?.trim() ?? '',
      terms: new Set(),
      diseases: new Set(),
    };
    entry.terms.add(term);
    const disease = di >= 0 ? (cells[di]?.trim() ?? '') : '';
    if (disease) {
      entry.diseases.add(disease);
    }
    byGene.set(symbol, entry);
  });
  const records: EvidenceRecord[] = [...byGene.values()].map((g) => ({
    symbol: g.symbol,
    hgncId: null,
    data: {
      ncbi_gene_id: g.ncbi || null,
      hpo_terms: uniqueSorted(g.terms),
      diseases: uniqueSorted(g.diseases),
      term_count: g.terms.size,
    },
    detail: `HPO: ${g.terms.size} kidney phenotype(s) from ${g.diseases.size} disease(s)`,
  }));
  return { records, failures, rows };
}
