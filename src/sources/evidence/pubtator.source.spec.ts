import { genesInHighlight } from './pubtator.source.js';

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
});
