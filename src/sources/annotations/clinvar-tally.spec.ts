import type { ClinVarSummary } from './clinvar-tally.js';
import { VariantTally } from './clinvar-tally.js';

const record = (over: Partial<ClinVarSummary>): ClinVarSummary => ({
  accession: 'VCV000000001',
  title: 'NM_001009944.3(PKD1):c.12616C>T (p.Arg4206Trp)',
  obj_type: 'single nucleotide variant',
  molecular_consequence_list: ['missense variant'],
  germline_classification: {
    description: 'Likely pathogenic',
    review_status: 'criteria provided, multiple submitters, no conflicts',
  },
  variation_set: [
    {
      cdna_change: 'c.12616C>T',
      variant_type: 'single nucleotide variant',
      variation_loc: [
        {
          status: 'previous',
          assembly_name: 'GRCh37',
          chr: '16',
          start: '2139899',
          stop: '2139899',
        },
        {
          status: 'current',
          assembly_name: 'GRCh38',
          chr: '16',
          start: '2089898',
          stop: '2089898',
        },
      ],
    },
  ],
  ...over,
});

describe('VariantTally: the fields the original structure and protein views read', () => {
  it('lists a variation with its GRCh38 start, HGVS protein change and residue', () => {
    const tally = new VariantTally();
    tally.add(record({}));
    const result = tally.result('PKD1');
    const detail = {
      accession: 'VCV000000001',
      classification: 'Likely pathogenic',
      category: 'likely_pathogenic',
      effect_category: 'missense',
      review_status: 'criteria provided, multiple submitters, no conflicts',
      confidence: 2,
      cdna_change: 'c.12616C>T',
      protein_change: 'p.Arg4206Trp',
      position: 4206,
      chromosome: '16',
      genomic_start: 2089898,
      genomic_end: 2089898,
    };
    expect(result.genomic_variants).toEqual([expect.objectContaining(detail)]);
    expect(result.protein_variants).toEqual([expect.objectContaining(detail)]);
  });

  it('leaves a variation without protein change or location out of the matching list', () => {
    const tally = new VariantTally();
    tally.add(
      record({
        title: 'NM_001009944.3(PKD1):c.11017-10C>A',
        molecular_consequence_list: ['intron variant'],
        variation_set: [{ cdna_change: 'c.11017-10C>A' }],
      }),
    );
    const result = tally.result('PKD1');
    expect(result.genomic_variants).toEqual([]);
    expect(result.protein_variants).toEqual([]);
  });

  it('names splice variants splice_region and counts consequences and their shares', () => {
    const tally = new VariantTally();
    tally.add(
      record({ title: 'x:c.1+1G>A', molecular_consequence_list: ['splice donor variant'] }),
    );
    tally.add(
      record({ title: 'x (p.Gln3fs)', molecular_consequence_list: ['frameshift variant'] }),
    );
    tally.add(record({ title: 'x (p.Gln4Ter)', molecular_consequence_list: ['nonsense'] }));
    tally.add(record({}));
    const result = tally.result('X');
    expect(result.consequence_categories).toMatchObject({ splice: 1, splice_region: 1 });
    expect(result).toMatchObject({
      truncating_percentage: 50,
      missense_percentage: 25,
      synonymous_percentage: 0,
    });
    expect(result.top_molecular_consequences).toEqual([
      { consequence: 'frameshift variant', count: 1 },
      { consequence: 'missense variant', count: 1 },
      { consequence: 'nonsense', count: 1 },
      { consequence: 'splice donor variant', count: 1 },
    ]);
    expect(
      (result.protein_variants as { position: number; effect_category: string }[]).map((v) => [
        v.position,
        v.effect_category,
      ]),
    ).toEqual([
      [3, 'truncating'],
      [4, 'truncating'],
      [4206, 'missense'],
    ]);
  });
});
