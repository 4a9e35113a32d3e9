import { UpstreamPayloadError } from '../upstream/upstream.errors.js';
import { indexReactome, reactomeAnnotation, reactomeLibrary } from './reactome-pathways.js';

const line = (ncbi: string, id: string, name: string, species = 'Homo sapiens', evidence = 'TAS') =>
  [ncbi, id, `https://reactome.org/PathwayBrowser/#/${id}`, name, evidence, species].join('\t');

const file = [
  line('5311', 'R-HSA-1852241', 'Organelle biogenesis and maintenance'),
  line('5311', 'R-HSA-5617833', 'Cilium Assembly'),
  line('5311', 'R-HSA-5620916', 'VxPx cargo-targeting to cilium'),
  line('5311', 'R-HSA-5617833', 'Cilium Assembly', 'Homo sapiens', 'IEA'),
  line('5310', 'R-HSA-5617833', 'Cilium Assembly'),
  line('18764', 'R-MMU-5617833', 'Cilium Assembly', 'Mus musculus', 'IEA'),
  line('18764', 'R-MMU-1852241', 'Organelle biogenesis and maintenance', 'Mus musculus', 'IEA'),
  'PKD2\tR-HSA-5617833\turl\tCilium Assembly\tTAS\tHomo sapiens',
  '5311\tR-HSA-5617833',
  '',
].join('\n');

describe('NCBI2Reactome parsing', () => {
  it('keeps human rows only, counting other species and malformed rows', () => {
    const index = indexReactome(file);
    expect(index.rows).toBe(9);
    expect(index.otherSpecies).toBe(2);
    expect(index.malformed).toBe(2);
    expect([...index.byNcbi.keys()].sort()).toEqual(['5310', '5311']);
    expect([...index.pathways.keys()].sort()).toEqual([
      'R-HSA-1852241',
      'R-HSA-5617833',
      'R-HSA-5620916',
    ]);
  });

  it('refuses a file with no human row', () => {
    const mouse = [line('18764', 'R-MMU-5617833', 'Cilium Assembly', 'Mus musculus')].join('\n');
    expect(() => indexReactome(mouse)).toThrow(UpstreamPayloadError);
    expect(() => indexReactome('<html>error</html>')).toThrow(/no usable Homo sapiens rows/);
  });

  it('stores a gene’s pathways by name, every level once', () => {
    const index = indexReactome(file);
    expect(reactomeAnnotation('PKD2', '5311', index.byNcbi.get('5311')!, index, '94')).toEqual({
      gene_symbol: 'PKD2',
      ncbi_gene_id: '5311',
      reactome_version: '94',
      pathways: [
        { id: 'R-HSA-5617833', name: 'Cilium Assembly' },
        { id: 'R-HSA-1852241', name: 'Organelle biogenesis and maintenance' },
        { id: 'R-HSA-5620916', name: 'VxPx cargo-targeting to cilium' },
      ],
      pathway_count: 3,
    });
  });

  it('builds the library from local genes by NCBI id', () => {
    const local: Record<string, number> = { '5311': 7 };
    const terms = reactomeLibrary(indexReactome(file), (ncbi) => local[ncbi]);
    expect(terms).toEqual([
      { id: 'R-HSA-1852241', name: 'Organelle biogenesis and maintenance', genes: [7] },
      { id: 'R-HSA-5617833', name: 'Cilium Assembly', genes: [7] },
      { id: 'R-HSA-5620916', name: 'VxPx cargo-targeting to cilium', genes: [7] },
    ]);
  });
});
