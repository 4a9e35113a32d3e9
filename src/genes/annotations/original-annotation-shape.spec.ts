import {
  annotationSourceName,
  originalAnnotationKey,
  originalAnnotations,
} from './original-annotation-shape.js';
import { originalSummary } from './original-summary-shape.js';

const at = new Date('2026-06-06T00:00:00Z');

describe('original annotation shape', () => {
  it('keys HPO as the original clients do and maps their key back', () => {
    expect(originalAnnotationKey('hpo_phenotypes')).toBe('hpo');
    expect(originalAnnotationKey('gnomad')).toBe('gnomad');
    expect(annotationSourceName('hpo')).toBe('hpo_phenotypes');
    expect(annotationSourceName('hpo_phenotypes')).toBe('hpo_phenotypes');
  });

  it('answers a one-element list per source with data, metadata and the no-data switch', () => {
    const shaped = originalAnnotations([
      {
        source: 'hpo_phenotypes',
        version: '2026-06-06',
        annotations: { phenotype_count: 3 },
        source_metadata: { status: 'data', run_id: 'r1' },
        updated_at: at,
      },
      {
        source: 'gtex',
        version: 'v10',
        annotations: { no_data: true, reason: 'unknown gene' },
        source_metadata: { status: 'no_data' },
        updated_at: at,
      },
    ]);
    expect(shaped).toEqual({
      hpo: [
        {
          source: 'hpo_phenotypes',
          version: '2026-06-06',
          data: { phenotype_count: 3, no_data_available: false },
          metadata: { status: 'data', run_id: 'r1' },
          updated_at: '2026-06-06T00:00:00.000Z',
        },
      ],
      gtex: [
        expect.objectContaining({
          data: { no_data: true, reason: 'unknown gene', no_data_available: true },
        }),
      ],
    });
  });

  it('lifts gnomAD constraint figures to the top of data, where the cards read them', () => {
    const [row] = originalAnnotations([
      {
        source: 'gnomad',
        version: 'v4.1',
        annotations: { constraint: { pli: 1, lof_z: 9.1, mis_z: 2 } },
        source_metadata: { status: 'data' },
        updated_at: at,
      },
    ]).gnomad;
    expect(row.data).toMatchObject({
      pli: 1,
      lof_z: 9.1,
      mis_z: 2,
      constraint_not_available: false,
      constraint: { pli: 1 },
    });
  });
});

describe('original summary shape', () => {
  it('nests identifiers and constraint scores as the MCP reads them, keeping ours', () => {
    const ours = {
      gene_id: 7,
      gene_symbol: 'PKD1',
      summary: {
        hgnc_id: 'HGNC:9008',
        ncbi_gene_id: '5310',
        ensembl_gene_id: 'ENSG00000008710',
        mane_select: { ensembl_transcript_id: 'ENST00000262304', refseq_transcript_id: 'NM_1' },
        pli: 1,
        oe_lof: 0.12,
      },
    };
    expect(originalSummary(ours)).toMatchObject({
      ...ours,
      symbol: 'PKD1',
      hgnc_id: 'HGNC:9008',
      identifiers: {
        ncbi_gene_id: '5310',
        ensembl_gene_id: 'ENSG00000008710',
        mane_select_transcript: 'ENST00000262304',
      },
      constraint_scores: { pli: 1, oe_lof: 0.12, syn_z: null },
    });
  });
});
