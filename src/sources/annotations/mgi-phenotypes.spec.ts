import { carriesAllele, groupOrthologRows, zygosityOf } from './mgi-phenotypes.js';

const gene = { id: 1, hgnc_id: 'HGNC:9008', symbol: 'PKD1', ncbi_gene_id: '5310' };

describe('MGI phenotype rows', () => {
  it('tells the genotypes of a gene from those of a gene whose symbol contains it', () => {
    expect(carriesAllele('Pkd1<tm1Jzh>/Pkd1<tm1Jzh>', 'Pkd1')).toBe(true);
    expect(carriesAllele('Pkd1<tm2Ggg>/Pkd1<tm2Ggg> Tg(Cdh16-cre)91Igr/0', 'Pkd1')).toBe(true);
    expect(carriesAllele('Pkd1l1<rks>/Pkd1l1<rks>', 'Pkd1')).toBe(false);
    expect(carriesAllele('Tg(Pkd1)1Jzh/0', 'Pkd1')).toBe(false);
    expect(carriesAllele('H2-K1<tm1>/H2-K1<+>', 'H2-K1')).toBe(true);
  });

  it('assigns rows by symbol or, under another symbol, by HGNC or NCBI id', () => {
    const row = (humanSymbol: string, humanId: string, term = 'MP:0008528') => ({
      humanId,
      humanSymbol,
      mouseSymbol: 'Pkd1',
      term,
      name: 'polycystic kidney',
    });
    const groups = groupOrthologRows(
      [gene],
      [row('PKD1', 'HGNC:9008'), row('PKD-1', '5310', 'MP:0003675'), row('UMOD', 'HGNC:12559')],
    );
    expect([...groups.keys()]).toEqual([1]);
    expect([...groups.get(1)!.terms.keys()]).toEqual(['MP:0008528', 'MP:0003675']);
    const bad = groupOrthologRows([gene], [row('PKD1', 'HGNC:9008', 'polycystic kidney')]);
    expect(bad.get(1)!.malformed).toMatch(/malformed phenotype row for PKD1/);
    expect(() => groupOrthologRows([gene], [{ ...row('', ''), humanSymbol: null }])).toThrow(
      /no human gene symbol/,
    );
  });

  it('buckets kidney terms by zygosity, ignoring other zygosities', () => {
    const z = zygosityOf(
      new Set(['Pkd1']),
      [
        { genotype: 'Pkd1<tm1Jzh>/Pkd1<tm1Jzh>', zygosity: 'hm', term: 'MP:0008528', name: 'pk' },
        { genotype: 'Pkd1<tm1Jzh>/Pkd1<tm1Jzh>', zygosity: 'hm', term: 'MP:0008528', name: 'pk' },
        { genotype: 'Pkd1<tm1Jzh>/Pkd1<+>', zygosity: 'ht', term: 'MP:0010769', name: 'surv' },
        { genotype: 'Pkd1<tm1Jzh>/Y', zygosity: 'hz', term: 'MP:0008528', name: 'pk' },
      ],
      new Set(['MP:0008528']),
    );
    expect(z.homozygous).toEqual({
      has_kidney_phenotype: true,
      phenotype_count: 1,
      phenotypes: [{ term: 'MP:0008528', name: 'pk' }],
    });
    expect(z.heterozygous.phenotype_count).toBe(0);
    expect(z.conditional.phenotype_count).toBe(0);
  });
});
