import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { GeneSetsService } from '../../../src/genes/gene-sets/gene-sets.service.js';
import {
  annotationRows,
  FIXTURE_UPSTREAM_ENV,
  insertGenes,
  runAnnotation,
  seedHgncIds,
} from '../../support/annotation-genes.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { FixtureServer } from '../../support/fixture-server.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/upstream/${name}`, import.meta.url), 'utf8');
const GAF_PATH = '/annotations/goa_human.gaf.gz';
const ONTOLOGY_PATH = '/ontology/go-basic.json';
const REACTOME_PATH = '/download/current/NCBI2Reactome_All_Levels.txt';

describe('GO and Reactome annotations and their gene-set libraries', () => {
  const upstream = new FixtureServer();
  let t: TestApp;
  let ids: Record<string, number>;
  /** The GAF body served; a test swaps it for a broken one. */
  let gaf = fixture('go/goa_human.gaf');
  const genesOf = async (library: string) => {
    const terms = await t.app.get(GeneSetsService).terms(library);
    const symbolOf = Object.fromEntries(Object.entries(ids).map(([s, id]) => [id, s]));
    return Object.fromEntries(terms.map((term) => [term.id, term.genes.map((g) => symbolOf[g])]));
  };

  beforeAll(async () => {
    await upstream.start();
    upstream.route('GET', GAF_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(gzipSync(gaf));
    });
    upstream.route('GET', ONTOLOGY_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fixture('go/go-basic.json'));
    });
    upstream.route('GET', REACTOME_PATH, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(fixture('reactome/NCBI2Reactome_All_Levels.txt'));
    });
    t = await createTestApp({
      env: {
        ...FIXTURE_UPSTREAM_ENV,
        GO_ANNOTATIONS_URL: `${upstream.baseUrl}${GAF_PATH}`,
        GO_ONTOLOGY_URL: `${upstream.baseUrl}${ONTOLOGY_PATH}`,
        REACTOME_URL: `${upstream.baseUrl}${REACTOME_PATH}`,
        REACTOME_VERSION: '94',
      },
    });
    ids = await insertGenes(t, ['PKD1', 'PKD2', 'NPHS1', 'NPHS2', 'COL4A5', 'UMOD']);
    // UMOD has no HGNC row, hence no NCBI gene id for Reactome.
    const { UMOD: _umod, ...withIds } = ids;
    await seedHgncIds(t, withIds);
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('stores the direct GO terms per aspect; a gene the GAF does not list has no data', async () => {
    const result = await runAnnotation(t, 'go');
    expect(result).toMatchObject({
      status: 'completed',
      version: '2025-03-16',
      genes_total: 6,
      updated: 5,
      no_data: 1,
      failed: 0,
    });
    const rows = await annotationRows(t, 'go');
    expect(rows.PKD1).toEqual({
      version: '2025-03-16',
      status: 'data',
      annotations: {
        gene_symbol: 'PKD1',
        go_release: '2025-03-16',
        biological_process: [
          { id: 'GO:0001656', name: 'metanephros development', evidence: ['IBA', 'IEA'] },
        ],
        biological_process_count: 1,
        molecular_function: [{ id: 'GO:0005515', name: 'protein binding', evidence: ['IPI'] }],
        molecular_function_count: 1,
        cellular_component: [{ id: 'GO:0060170', name: 'ciliary membrane', evidence: ['IDA'] }],
        cellular_component_count: 1,
        term_count: 3,
      },
    });
    // The NOT row (calcium channel activity) is not one of NPHS1's terms.
    expect(rows.NPHS1.annotations).toMatchObject({
      molecular_function: [],
      molecular_function_count: 0,
      cellular_component: [{ id: 'GO:0036057', name: 'slit diaphragm', evidence: ['IDA'] }],
    });
    // Written `nphs2` in the file: symbols match case-insensitively.
    expect(rows.NPHS2.annotations).toMatchObject({ gene_symbol: 'nphs2', term_count: 2 });
    expect(rows.UMOD).toMatchObject({ status: 'no_data' });
  });

  it('writes GO_BP, GO_MF and GO_CC with true-path propagation over is_a and part_of', async () => {
    const libraries = await t.app.get(GeneSetsService).libraries();
    expect(libraries.map((l) => [l.name, l.source, l.version])).toEqual(
      expect.arrayContaining([
        ['GO_BP', 'go', '2025-03-16'],
        ['GO_CC', 'go', '2025-03-16'],
        ['GO_MF', 'go', '2025-03-16'],
      ]),
    );
    const bp = libraries.find((l) => l.name === 'GO_BP')!;
    // TP53 is in the GAF but not a local gene.
    expect(bp).toMatchObject({ geneCount: 5 });
    const bpGenes = await genesOf('GO_BP');
    expect(bp.termCount).toBe(Object.keys(bpGenes).length);
    // PKD1 only through metanephros development (part_of), COL4A5 through glomerular
    // basement membrane development (part_of), PKD2 directly.
    expect(bpGenes['GO:0001656']).toEqual(['PKD1']);
    expect(bpGenes['GO:0001822'].sort()).toEqual(['COL4A5', 'PKD1', 'PKD2']);
    expect(bpGenes['GO:0072001'].sort()).toEqual(['COL4A5', 'PKD1', 'PKD2']);
    expect(bpGenes['GO:0003094'].sort()).toEqual(['NPHS1', 'NPHS2']);
    expect(bpGenes['GO:0008150']).toHaveLength(5);
    // The obsolete term of the ontology is no library term.
    expect(bpGenes['GO:0000004']).toBeUndefined();
    const mf = await genesOf('GO_MF');
    // NPHS1's calcium channel row is a NOT row.
    expect(mf['GO:0005262']).toEqual(['PKD2']);
    expect(mf['GO:0003674'].sort()).toEqual(['COL4A5', 'PKD1', 'PKD2']);
    const cc = await genesOf('GO_CC');
    expect(cc['GO:0036057'].sort()).toEqual(['NPHS1', 'NPHS2']);
    // Ciliary membrane is part_of cilium: both polycystins count for the cilium.
    expect(cc['GO:0005929'].sort()).toEqual(['PKD1', 'PKD2']);
    const terms = await t.app.get(GeneSetsService).terms('GO_CC');
    expect(terms.find((term) => term.id === 'GO:0005929')).toMatchObject({ name: 'cilium' });
  });

  it('stores human Reactome pathways by NCBI gene id and writes the Reactome library', async () => {
    const result = await runAnnotation(t, 'reactome');
    expect(result).toMatchObject({
      status: 'completed',
      version: '94',
      genes_total: 6,
      updated: 5,
      no_data: 1,
      failed: 0,
    });
    const rows = await annotationRows(t, 'reactome');
    expect(rows.PKD1).toEqual({
      version: '94',
      status: 'data',
      annotations: {
        gene_symbol: 'PKD1',
        ncbi_gene_id: '5310',
        reactome_version: '94',
        pathways: [
          { id: 'R-HSA-5620920', name: 'Cargo trafficking to the periciliary membrane' },
          { id: 'R-HSA-5617833', name: 'Cilium Assembly' },
          { id: 'R-HSA-1852241', name: 'Organelle biogenesis and maintenance' },
          { id: 'R-HSA-5620916', name: 'VxPx cargo-targeting to cilium' },
        ],
        pathway_count: 4,
      },
    });
    expect(rows.PKD2.annotations).toMatchObject({ pathway_count: 7 });
    expect(rows.UMOD).toMatchObject({ status: 'no_data' });
    const library = await t.app.get(GeneSetsService).library('Reactome');
    // UMOD's pathways have no local gene with its NCBI id; the mouse rows are left out.
    expect(library).toMatchObject({ source: 'reactome', version: '94', geneCount: 5 });
    const pathways = await genesOf('Reactome');
    expect(library!.termCount).toBe(Object.keys(pathways).length);
    expect(pathways['R-HSA-5617833'].sort()).toEqual(['PKD1', 'PKD2']);
    expect(pathways['R-HSA-373753'].sort()).toEqual(['NPHS1', 'NPHS2']);
    expect(pathways['R-HSA-163125']).toBeUndefined();
    expect(Object.keys(pathways).some((id) => id.startsWith('R-MMU-'))).toBe(false);
  });

  it('fails the run on a file that is not a GAF, keeping the rows and libraries', async () => {
    const before = await annotationRows(t, 'go');
    const libraryBefore = await genesOf('GO_BP');
    gaf = fixture('go/goa_human.gaf').replace('!gaf-version: 2.2\n', '');
    try {
      const result = await runAnnotation(t, 'go', { force: true });
      expect(result).toMatchObject({ status: 'failed', updated: 0 });
      expect(result.error).toMatch(/^go run failed: GO annotations: .*gaf-version/);
    } finally {
      gaf = fixture('go/goa_human.gaf');
    }
    expect(await annotationRows(t, 'go')).toEqual(before);
    expect(await genesOf('GO_BP')).toEqual(libraryBefore);
  });
});
