import { ReleaseJsonWriter } from './release-json.js';
import type { FrozenGeneRow } from './releases.repository.js';

const gene = (symbol: string, scored: boolean, score: string): FrozenGeneRow => ({
  id: 1,
  hgnc_id: `HGNC:${symbol.length}`,
  approved_symbol: symbol,
  name: null,
  aliases: ['A"1'],
  previous_symbols: [],
  created_at: new Date(0),
  updated_at: new Date(0),
  evidence_count: 0,
  evidence_score: score,
  evidence_tier: 'no_evidence',
  evidence_group: 'insufficient',
  sources: [],
  source_scores: {},
  raw_score: score,
  total_active_sources: 7,
  scored,
  evidence: [{ source_name: 'HPO', evidence_data: { n: 1 } }],
  annotations: [],
});

describe('ReleaseJsonWriter', () => {
  const head = {
    version: '2025.10',
    releaseDate: '2025-10-01T00:00:00.000Z',
    geneCount: 2,
    evidenceCount: 2,
    annotationCount: 0,
    sources: [],
    citation: 'c',
  };

  it('joins its pieces into one valid document in the original layout', () => {
    const w = new ReleaseJsonWriter();
    const text =
      w.head(head) + w.gene(gene('PKD1', true, '0')) + w.gene(gene('X', false, '0')) + w.tail();
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([
      'version',
      'release_date',
      'gene_count',
      'metadata',
      'genes',
    ]);
    expect(doc.genes).toHaveLength(2);
    // A score of 0 stays a number; only a gene without a score row has null scores.
    expect(doc.genes[0].scores).toMatchObject({ percentage_score: 0, raw_score: 0 });
    expect(doc.genes[1].scores).toBeNull();
    expect(doc.genes[0].aliases).toEqual(['A"1']);
    // Pretty-printed with two spaces, each gene indented inside the array.
    expect(text).toContain('\n  "genes": [\n    {\n      "approved_symbol": "PKD1"');
  });

  it('writes an empty genes array for a release without genes', () => {
    const w = new ReleaseJsonWriter();
    const doc = JSON.parse(w.head({ ...head, geneCount: 0 }) + w.tail());
    expect(doc.genes).toEqual([]);
  });
});
