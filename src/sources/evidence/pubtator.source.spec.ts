import { genesInHighlight, readHighlight } from './pubtator.source.js';

describe('PubTator highlight markup', () => {
  it('reads every HGNC symbol shape, hyphens and dots included (issue 20)', () => {
    const text =
      'Variants in @GENE_HLA-DRB1 @GENE_3123 @@@<m>HLA-DRB1</m>@@@ and @GENE_MT-ND5 @GENE_4540 @@@MT-ND5@@@, ' +
      '@GENE_NKX2-1 @GENE_7080 @@@NKX2-1@@@, @GENE_CDKN2B-AS1 @GENE_100048912 @@@ANRIL@@@ and @GENE_PKD1 @GENE_5310 @@@PKD1@@@.';
    expect(genesInHighlight(text)).toEqual([
      { symbol: 'HLA-DRB1', ncbiId: '3123', text: 'HLA-DRB1' },
      { symbol: 'MT-ND5', ncbiId: '4540', text: 'MT-ND5' },
      { symbol: 'NKX2-1', ncbiId: '7080', text: 'NKX2-1' },
      { symbol: 'CDKN2B-AS1', ncbiId: '100048912', text: 'ANRIL' },
      { symbol: 'PKD1', ncbiId: '5310', text: 'PKD1' },
    ]);
  });

  it('counts a gene once per symbol and NCBI id', () => {
    const text = '@GENE_UMOD @GENE_7369 @@@UMOD@@@ then @GENE_UMOD @GENE_7369 @@@uromodulin@@@';
    expect(genesInHighlight(text)).toEqual([{ symbol: 'UMOD', ncbiId: '7369', text: 'UMOD' }]);
  });

  it('returns the gene marks it cannot read instead of dropping them (issue 20)', () => {
    const text =
      '@GENE_PKD1 @GENE_5310 @@@PKD1@@@ with @GENE_PKD2 @@@PKD2@@@ and @GENE_ @GENE_7369 @@@UMOD@@@';
    const read = readHighlight(text);
    expect(read.genes).toEqual([{ symbol: 'PKD1', ncbiId: '5310', text: 'PKD1' }]);
    expect(read.unreadable).toEqual(['@GENE_PKD2', '@GENE_', '@GENE_7369']);
    expect(readHighlight('@GENE_PKD1 @GENE_5310 @@@PKD1@@@').unreadable).toEqual([]);
  });
});
