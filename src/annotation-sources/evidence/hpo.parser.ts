import {
  uniqueSorted,
  type EvidenceRecord,
  type ParseResult,
  type RowFailure,
} from './evidence-record.js';

interface ObographNode {
  id?: string;
  meta?: { deprecated?: boolean };
}
interface ObographEdge {
  sub?: string;
  pred?: string;
  obj?: string;
}

/** `http://purl.obolibrary.org/obo/HP_0000077` → `HP:0000077`. */
function termId(iri: string | undefined): string | null {
  const match = /HP_(\d{7})$/.exec(iri ?? '');
  return match ? `HP:${match[1]}` : null;
}

/** The root and every term below it over `is_a`, skipping deprecated terms. */
export function descendantsOf(ontologyJson: string, root: string): Set<string> {
  const parsed = JSON.parse(ontologyJson) as {
    graphs?: { nodes?: ObographNode[]; edges?: ObographEdge[] }[];
  };
  const graph = parsed.graphs?.[0];
  if (!graph?.edges) throw new Error('HPO ontology: no graph with edges');
  const deprecated = new Set(
    (graph.nodes ?? [])
      .filter((n) => n.meta?.deprecated)
      .map((n) => termId(n.id))
      .filter((x): x is string => x !== null),
  );
  const children = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.pred !== 'is_a') continue;
    const sub = termId(e.sub);
    const obj = termId(e.obj);
    if (!sub || !obj) continue;
    children.set(obj, [...(children.get(obj) ?? []), sub]);
  }
  const found = new Set<string>([root]);
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (!found.has(child) && !deprecated.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/**
 * genes_to_phenotype.txt (tab-separated: ncbi_gene_id, gene_symbol, hpo_id, hpo_name,
 * frequency, disease_id): per gene, its kidney terms and the diseases they come from.
 */
export function parseGenesToPhenotype(text: string, kidneyTerms: Set<string>): ParseResult {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.startsWith('ncbi_gene_id\t'));
  if (headerIndex < 0)
    throw new Error('genes_to_phenotype: no header line starting with ncbi_gene_id');
  const header = lines[headerIndex].split('\t');
  const idx = (name: string) => header.indexOf(name);
  const [gi, si, hi, di] = [
    idx('ncbi_gene_id'),
    idx('gene_symbol'),
    idx('hpo_id'),
    idx('disease_id'),
  ];
  if ([gi, si, hi].some((i) => i < 0)) throw new Error('genes_to_phenotype: missing columns');
  const byGene = new Map<
    string,
    { symbol: string; ncbi: string; terms: Set<string>; diseases: Set<string> }
  >();
  const failures: RowFailure[] = [];
  let rows = 0;
  lines.slice(headerIndex + 1).forEach((line, i) => {
    if (!line.trim()) return;
    rows += 1;
    const cells = line.split('\t');
    const symbol = cells[si]?.trim() ?? '';
    const term = cells[hi]?.trim() ?? '';
    if (!symbol || !/^HP:\d{7}$/.test(term)) {
      failures.push({ row: headerIndex + 2 + i, reason: 'missing gene symbol or HPO id' });
      return;
    }
    if (!kidneyTerms.has(term)) return;
    const entry = byGene.get(symbol) ?? {
      symbol,
      ncbi: cells[gi]?.trim() ?? '',
      terms: new Set(),
      diseases: new Set(),
    };
    entry.terms.add(term);
    const disease = di >= 0 ? (cells[di]?.trim() ?? '') : '';
    if (disease) entry.diseases.add(disease);
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
