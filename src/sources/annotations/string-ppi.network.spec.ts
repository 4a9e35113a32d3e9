import type { KidneyGene } from '../../genes/annotations/annotation-store.service.js';
import { buildAnnotations, PartnerScores, ProteinIndex } from './string-ppi.network.js';

const gene = (
  id: number,
  symbol: string,
  percentage_score: number,
  names: { previous?: string[]; aliases?: string[] } = {},
): KidneyGene => ({
  id,
  symbol,
  percentage_score,
  previous_symbols: names.previous ?? [],
  aliases: names.aliases ?? [],
});

describe('ProteinIndex', () => {
  it('prefers the approved symbol, then a previous symbol, then an alias', () => {
    const genes = [
      gene(1, 'TMEM67', 50, { previous: ['MKS3'], aliases: ['MECKELIN'] }),
      gene(2, 'NPHS1', 50, { aliases: ['NPHN'] }),
      gene(3, 'PKD2', 50, { aliases: ['PC2'] }),
    ];
    const index = new ProteinIndex(genes, new Set());
    index.offer('9606.P1', 'MECKELIN');
    index.offer('9606.P2', 'mks3');
    index.offer('9606.P3', 'NPHN');
    index.offer('9606.P4', 'PKD2');
    index.offer('9606.P5', 'PC2');
    expect(index.resolve()).toEqual(
      new Map([
        [1, { proteins: ['9606.P2'], mappedBy: 'previous_symbol' }],
        [2, { proteins: ['9606.P3'], mappedBy: 'alias' }],
        [3, { proteins: ['9606.P4'], mappedBy: 'symbol' }],
      ]),
    );
  });

  it('ignores a name two genes share, or that is another gene’s approved symbol', () => {
    const genes = [
      gene(1, 'AAA1', 50, { aliases: ['SHARED', 'TAKEN'] }),
      gene(2, 'BBB1', 50, { aliases: ['SHARED', 'AAA1'] }),
    ];
    const index = new ProteinIndex(genes, new Set(['TAKEN']));
    for (const name of ['SHARED', 'TAKEN']) {
      index.offer(`9606.${name}`, name);
    }
    expect(index.resolve()).toEqual(new Map());
    // AAA1 names gene 1 by symbol, never gene 2 by alias.
    index.offer('9606.X', 'AAA1');
    expect([...index.resolve().keys()]).toEqual([1]);
  });
});

describe('buildAnnotations', () => {
  it('gives equal scores equal percent ranks, as SQL PERCENT_RANK does', () => {
    const genes = [gene(1, 'A', 100), gene(2, 'B', 100), gene(3, 'C', 100), gene(4, 'D', 50)];
    const proteins = new Map(
      genes.map((g) => [g.id, { proteins: [`9606.${g.symbol}`], mappedBy: 'symbol' as const }]),
    );
    const scores = new PartnerScores(proteins);
    // A–B and B–A count once; C–D only in one direction still links both.
    scores.add(1, 2, 500);
    scores.add(2, 1, 400);
    scores.add(3, 4, 1000);
    const built = buildAnnotations(genes, proteins, scores, { version: '12.0', minScore: 400 });
    const pick = (id: number) => {
      const a = built.get(id)!;
      return [a.ppi_score, a.ppi_percentile];
    };
    // A: 0.5 × 100 = 50; B: 50; C: 1 × 50 = 50; D: 1 × 100 = 100.
    expect([pick(1), pick(2), pick(3), pick(4)]).toEqual([
      [50, 0],
      [50, 0],
      [50, 0],
      [100, 1],
    ]);
  });

  it('ranks a lone gene 0 and scores a gene without partners 0', () => {
    const genes = [gene(1, 'A', 100)];
    const proteins = new Map([[1, { proteins: ['9606.A'], mappedBy: 'symbol' as const }]]);
    const built = buildAnnotations(genes, proteins, new PartnerScores(proteins), {
      version: '12.0',
      minScore: 400,
    });
    expect(built.get(1)).toMatchObject({ ppi_score: 0, ppi_degree: 0, ppi_percentile: 0 });
  });
});
