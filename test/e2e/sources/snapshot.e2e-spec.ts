import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { GeneSetsService } from '../../../src/genes/gene-sets/gene-sets.service.js';
import { ScoreRefresher } from '../../../src/genes/scoring/score-refresher.service.js';
import { FirstStartIngestion } from '../../../src/pipeline/first-start-ingestion.service.js';
import { has } from '../../contract/contract-context.js';
import { createTestApp, type TestApp } from '../../support/app-factory.js';
import { loginAdmin } from '../../support/auth.js';

/** Every source the app ships, as the snapshot serves them: evidence and upload, then annotation. */
const EVIDENCE_SOURCES = [
  'ClinGen',
  'DiagnosticPanels',
  'GenCC',
  'HPO',
  'Literature',
  'PanelApp',
  'PubTator',
];
const ANNOTATION_SOURCES = [
  'clinvar',
  'descartes',
  'ensembl',
  'gnomad',
  'go',
  'gtex',
  'hgnc',
  'hpo_phenotypes',
  'mpo_mgi',
  'reactome',
  'string_ppi',
  'uniprot',
];

/**
 * What the original gene page, structure and protein views and the MCP read inside
 * `annotations[<key>][0].data` (original-client-contract.md §5.2), for a gene with data.
 */
const PAGE_READS: Record<string, string[]> = {
  hgnc: ['mane_select.refseq_transcript_id', 'mane_select.ensembl_transcript_id'],
  gnomad: ['pli', 'mis_z', 'lof_z'],
  gtex: ['tissues.Kidney_Cortex.median_tpm', 'tissues.Kidney_Medulla.median_tpm'],
  descartes: ['kidney_tpm', 'kidney_percentage'],
  clinvar: [
    'total_variants',
    'pathogenic_count',
    'likely_pathogenic_count',
    'vus_count',
    'benign_count',
    'likely_benign_count',
    'high_confidence_count',
    'pathogenic_percentage',
    'high_confidence_percentage',
    'consequence_categories.truncating',
    'consequence_categories.missense',
    'consequence_categories.synonymous',
    'consequence_categories.inframe',
    'consequence_categories.splice_region',
    'truncating_percentage',
    'missense_percentage',
    'synonymous_percentage',
    'top_molecular_consequences.0.consequence',
    'top_molecular_consequences.0.count',
    ...['genomic_start', 'accession', 'category', 'cdna_change', 'classification']
      .concat(['effect_category', 'protein_change', 'review_status'])
      .map((f) => `genomic_variants.0.${f}`),
    ...['position', 'accession', 'category', 'cdna_change', 'classification']
      .concat(['effect_category', 'protein_change', 'review_status'])
      .map((f) => `protein_variants.0.${f}`),
  ],
  hpo: [
    'phenotype_count',
    'kidney_phenotype_count',
    'disease_count',
    'classification.clinical_group.primary',
    'classification.clinical_group.scores',
    'classification.onset_group.primary',
    'classification.onset_group.scores',
    'classification.syndromic_assessment.is_syndromic',
    'classification.syndromic_assessment.extra_renal_categories',
    'kidney_phenotypes.0.id',
  ],
  mpo_mgi: [
    'phenotype_count',
    'phenotypes.0.term',
    'phenotypes.0.name',
    'zygosity_analysis.homozygous.phenotype_count',
    'zygosity_analysis.heterozygous.phenotype_count',
    'zygosity_analysis.conditional.phenotype_count',
    'system_analysis.renal_urinary.phenotype_count',
  ],
  string_ppi: [
    'ppi_score',
    'ppi_percentile',
    'ppi_degree',
    'interactions.0.partner_symbol',
    'interactions.0.string_score',
    'interactions.0.partner_evidence',
    'interactions.0.weighted_score',
    'summary.total_interactions',
  ],
  ensembl: [
    'gene_id',
    'chromosome',
    'start',
    'end',
    'strand',
    'gene_length',
    'exon_count',
    'canonical_transcript.refseq_transcript_id',
    'canonical_transcript.exons.0.exon_id',
    'canonical_transcript.exons.0.start',
    'canonical_transcript.exons.0.end',
    'canonical_transcript.exons.0.length',
  ],
  uniprot: [
    'accession',
    'entry_name',
    'protein_name',
    'length',
    'domain_count',
    'has_transmembrane',
    'domains.0.type',
    'domains.0.description',
    'domains.0.start',
    'domains.0.end',
    'domains.0.length',
    'pfam_refs.0.id',
    'pfam_refs.0.entry_name',
  ],
};

interface AnnotationRow {
  source: string;
  data: Record<string, unknown>;
}

describe('offline snapshot ingested on first start', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        SNAPSHOT_INGEST_ON_START: 'true',
        RATE_LIMIT_PER_MINUTE: '100000',
        HGNC_NORMALIZE: 'true',
      },
    });
    await t.app.get(FirstStartIngestion).done;
    await t.app.get(ScoreRefresher).settled();
  });
  afterAll(() => t.close());

  it('serves scored genes from every snapshot source, per-gene sources as written by hand', async () => {
    const all = EVIDENCE_SOURCES;
    const expected: Record<string, string[]> = {
      PKD1: all,
      NPHS2: all,
      APOL1: all,
      PKD2: ['ClinGen', 'DiagnosticPanels', 'HPO', 'Literature', 'PanelApp', 'PubTator'],
      NPHS1: ['DiagnosticPanels', 'GenCC', 'HPO', 'Literature', 'PanelApp', 'PubTator'],
      COL4A3: ['ClinGen', 'DiagnosticPanels', 'GenCC', 'HPO', 'Literature', 'PanelApp'],
      CFH: ['ClinGen', 'DiagnosticPanels', 'HPO', 'Literature', 'PanelApp'],
      UMOD: ['ClinGen', 'DiagnosticPanels', 'HPO', 'Literature'],
      GANAB: ['ClinGen', 'DiagnosticPanels', 'GenCC', 'PanelApp'],
      COL4A5: ['ClinGen', 'DiagnosticPanels', 'Literature', 'PanelApp'],
      // Only non-kidney HPO rows: no HPO evidence.
      LMX1B: ['ClinGen', 'DiagnosticPanels', 'Literature', 'PanelApp'],
      VHL: ['Literature', 'PanelApp'],
      TSC1: ['Literature', 'PanelApp'],
      // Red on PanelApp Australia: not kept.
      ADAMTS13: ['DiagnosticPanels', 'Literature'],
      CUBN: ['Literature'],
      // Neither row carries an HGNC id and no local gene matched: HGNC resolved them.
      NPHP1: ['DiagnosticPanels', 'GenCC', 'Literature'],
      TMEM67: ['DiagnosticPanels', 'HPO', 'Literature'],
    };
    for (const [symbol, sources] of Object.entries(expected)) {
      const res = await t.http().get(`/api/genes/${symbol}/evidence`).expect(200);
      const names = (res.body.data as { attributes: { source_name: string } }[])
        .map((e) => e.attributes.source_name)
        .sort();
      expect([symbol, names]).toEqual([symbol, sources]);
    }
    // Non-kidney genes of the snapshot (GenCC, ClinGen and HPO rows filtered out).
    for (const symbol of ['GJB2', 'MYH7', 'NAT2', 'SKI']) {
      await t.http().get(`/api/genes/${symbol}`).expect(404);
    }
    const perSource = await t.app
      .get<DataSource>(getDataSourceToken())
      .query<{ source_name: string; n: number }[]>(
        'SELECT source_name, count(*)::int AS n FROM gene_evidence GROUP BY 1 ORDER BY 1',
      );
    expect(Object.fromEntries(perSource.map((r) => [r.source_name, r.n]))).toEqual({
      ClinGen: 49,
      DiagnosticPanels: 96,
      GenCC: 47,
      HPO: 63,
      Literature: 88,
      PanelApp: 101,
      PubTator: 13,
    });
    const list = await t
      .http()
      .get('/api/genes?filter[hide_zero_scores]=false&page[size]=100')
      .expect(200);
    expect(list.body.meta.total_genes).toBe(106);
    const pkhd1 = await t.http().get('/api/genes/PKHD1/evidence').expect(200);
    const pubtator = (
      pkhd1.body.data as {
        attributes: { source_name: string; evidence_data: { pmids: string[] } };
      }[]
    ).find((e) => e.attributes.source_name === 'PubTator');
    // The PKHD1 paper (Ward et al. 2002) and the DZIP1L paper (Lu et al. 2017) name it.
    expect(pubtator?.attributes.evidence_data.pmids).toHaveLength(2);
    const pkd1 = await t.http().get('/api/genes/PKD1/evidence').expect(200);
    const panels = (
      pkd1.body.data as {
        attributes: { source_name: string; evidence_data: { providers: string[] } };
      }[]
    ).find((e) => e.attributes.source_name === 'DiagnosticPanels');
    expect(panels?.attributes.evidence_data.providers.length).toBeGreaterThanOrEqual(2);
    const top = await t.http().get('/api/genes?page[size]=1').expect(200);
    expect(expected[top.body.data[0].attributes.approved_symbol as string]).toEqual(all);
  });

  it('creates the genes HGNC resolved under their HGNC ids, leaving nothing in staging', async () => {
    const service = t.app.get(
      (await import('../../../src/genes/staging/staging.service.js')).StagingService,
    );
    const { rows } = await service.list({ status: 'pending', limit: 50, offset: 0 });
    expect(rows).toEqual([]);
    const tmem67 = await t.http().get('/api/genes/TMEM67').expect(200);
    expect(tmem67.body.data.attributes.hgnc_id).toBe('HGNC:28396');
    const nphp1 = await t.http().get('/api/genes/NPHP1').expect(200);
    expect(nphp1.body.data.attributes.hgnc_id).toBe('HGNC:7905');
  });

  it('annotates PKD1 from every source as the extracts record it', async () => {
    const pkd1 = await t.http().get('/api/genes/PKD1').expect(200);
    const res = await t
      .http()
      .get(`/api/annotations/genes/${pkd1.body.data.id}/annotations`)
      .expect(200);
    // One-element lists under the original clients' keys; each names our source.
    const lists = Object.values(res.body.annotations as Record<string, AnnotationRow[]>);
    expect(lists.every((list) => list.length === 1)).toBe(true);
    const by = Object.fromEntries(
      lists.map(([row]) => [row.source, { annotations: row.data }]),
    ) as Record<string, { annotations: Record<string, unknown> }>;
    expect(Object.keys(by).sort()).toEqual(ANNOTATION_SOURCES);
    expect(by.hpo_phenotypes.annotations).toMatchObject({
      phenotype_count: 3,
      kidney_phenotype_count: 2,
      classification: {
        clinical_group: {
          primary: 'cyst_cilio',
          supporting_terms: ['HP:0000113', 'HP:0001407'],
        },
        onset_group: { primary: 'adult' },
        syndromic_assessment: { is_syndromic: false },
      },
    });
    expect(by.hgnc.annotations).toMatchObject({
      ncbi_gene_id: '5310',
      mane_select: { refseq_transcript_id: 'NM_001009944.3' },
    });
    expect(by.clinvar.annotations).toMatchObject({ total_variants: 1, pathogenic_count: 1 });
    expect(by.gnomad.annotations).toMatchObject({ constraint: { pli: 1, lof_z: 9.9605 } });
    expect(by.gtex.annotations).toMatchObject({
      gencode_id: 'ENSG00000008710.19',
      kidney: { cortex_tpm: 8.34398, medulla_tpm: 12.0618 },
    });
    expect(by.uniprot.annotations).toMatchObject({ accession: 'P98161', length: 4303 });
    expect(by.ensembl.annotations).toMatchObject({
      chromosome: '16',
      start: 2088708,
      canonical_transcript: { transcript_id: 'ENST00000262304.10', is_mane_select: true },
    });
    // The STRING extract links PKD1 to PKD2 (999) and to UMOD below the minimum score.
    expect(by.string_ppi.annotations).toMatchObject({
      string_version: '12.0',
      string_proteins: ['9606.ENSP00000262304'],
      ppi_degree: 1,
      interactions: [{ partner_symbol: 'PKD2', string_score: 999 }],
    });
    expect(by.mpo_mgi.annotations).toMatchObject({
      mouse_orthologs: ['Pkd1'],
      kidney_phenotype_count: 3,
      total_phenotypes: 5,
      summary: 'hm (true); ht (true)',
    });
    expect(by.descartes.annotations).toMatchObject({
      dataset_version: 'human_gtex',
      kidney_tpm: 14.2,
      kidney_percentage: 0.0452,
    });
    expect(by.go.annotations).toMatchObject({
      go_release: '2025-03-16',
      biological_process: expect.arrayContaining([
        { id: 'GO:0006816', name: 'calcium ion transport', evidence: ['IBA', 'IEA'] },
      ]) as unknown,
      cellular_component: expect.arrayContaining([
        { id: 'GO:0060170', name: 'ciliary membrane', evidence: ['IBA', 'IEA'] },
      ]) as unknown,
      biological_process_count: 3,
    });
    expect(by.reactome.annotations).toMatchObject({
      reactome_version: '94',
      pathways: expect.arrayContaining([
        { id: 'R-HSA-5620916', name: 'VxPx cargo-targeting to cilium' },
        { id: 'R-HSA-5617833', name: 'Cilium Assembly' },
      ]) as unknown,
      pathway_count: 4,
    });
  });

  it('holds every field the original pages read from each source (contract §5.2) for PKD1', async () => {
    const pkd1 = await t.http().get('/api/genes/PKD1').expect(200);
    const res = await t
      .http()
      .get(`/api/annotations/genes/${pkd1.body.data.id}/annotations`)
      .expect(200);
    const data = (key: string) =>
      (res.body.annotations as Record<string, AnnotationRow[] | undefined>)[key]?.[0]?.data;
    const missing = Object.entries(PAGE_READS).flatMap(([key, paths]) =>
      has(data(key) ?? {}, ...paths).map((p) => `${key}: ${p}`),
    );
    expect(missing).toEqual([]);
  });

  it('annotates every snapshot gene from every annotation source, failing and warning on none', async () => {
    const db = t.app.get<DataSource>(getDataSourceToken());
    const [{ n: genes }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM genes');
    expect(genes).toBe(106);
    const sources = await t.http().get('/api/annotations/sources').expect(200);
    const status = Object.fromEntries(
      (
        sources.body as {
          name: string;
          genes_annotated: number;
          no_data: number;
          failed: number;
        }[]
      ).map((s) => [
        s.name,
        { annotated: s.genes_annotated, no_data: s.no_data, failed: s.failed },
      ]),
    );
    // "No data" only where the real upstream has none: APOL1 has no mouse ortholog
    // (MouseMine answers it with no rows), and STRING is asked only about kidney genes, so
    // the genes whose evidence scores zero are not looked up.
    const noGeneScore = 'not a kidney gene (no evidence score)';
    const noDataOf: Record<string, Record<string, string>> = {
      mpo_mgi: { APOL1: 'no mouse ortholog' },
      // The Reactome extract gives pathways to 93 of the 110 snapshot genes, not these.
      reactome: Object.fromEntries(
        [
          ...['ANKS6', 'APOL1', 'CRB2', 'DNAJB11', 'DZIP1L', 'GLIS2', 'GREB1L', 'INF2', 'INVS'],
          ...['LMX1B', 'MAGED2', 'MYO1E', 'NEK8', 'NPHP3', 'PKHD1', 'SEC63', 'SMARCAL1'],
        ].map((s) => [s, 'Reactome lists no human pathway']),
      ),
      string_ppi: Object.fromEntries(
        ['ADAMTS13', 'AHI1', 'CUBN', 'MAGED2', 'SLC34A3'].map((s) => [s, noGeneScore]),
      ),
    };
    expect(status).toEqual(
      Object.fromEntries(
        ANNOTATION_SOURCES.map((name) => {
          const none = Object.keys(noDataOf[name] ?? {}).length;
          return [name, { annotated: genes - none, no_data: none, failed: 0 }];
        }),
      ),
    );
    const noData = await db.query<{ source: string; symbol: string; reason: string }[]>(
      `SELECT a.source, g.approved_symbol AS symbol, a.annotations->>'reason' AS reason
       FROM gene_annotations a JOIN genes g ON g.id = a.gene_id
       WHERE a.source_metadata->>'status' = 'no_data' ORDER BY 1, 2`,
    );
    expect(noData).toEqual(
      Object.entries(noDataOf).flatMap(([source, reasons]) =>
        Object.entries(reasons).map(([symbol, reason]) => ({
          source,
          symbol,
          reason: expect.stringContaining(reason) as string,
        })),
      ),
    );
    expect(await db.query('SELECT source, reason FROM annotation_failures')).toEqual([]);
    const records = t.logs.records();
    // Levels are written as labels; any record at all shows the labels are what is compared.
    expect(records.some((r) => r.level === 'info')).toBe(true);
    expect(
      records
        .filter((r) => ['warn', 'error', 'fatal'].includes(String(r.level)))
        // The event-loop monitor reports the machine (a loaded CI host), not the first start.
        .filter((r) => r.context !== 'EventLoopMonitor')
        .map((r) => [r.context, r.msg]),
    ).toEqual([]);
    const summaries = records.filter((r) => /^first-start ingestion/.test(String(r.msg)));
    expect(summaries.map((r) => r.msg)).toEqual([
      expect.stringMatching(
        /^first-start ingestion completed in \d+\.\d s: \d+ of 106 genes scored, annotations \{clinvar:106, /,
      ),
    ]);
    expect(summaries[0]).toMatchObject({
      level: 'info',
      status: 'completed',
      genes: 106,
      genes_scored: 101,
      annotations: Object.fromEntries(
        ANNOTATION_SOURCES.map((name) => [name, status[name].annotated]),
      ),
      no_data: { mpo_mgi: 1, reactome: 17, string_ppi: 5 },
      failed: {},
      elapsed_ms: expect.any(Number),
    });
  });

  it('writes the HPO, GO and Reactome gene-set libraries over the database genes', async () => {
    const geneSets = t.app.get(GeneSetsService);
    const libraries = await geneSets.libraries();
    expect(libraries.map((l) => [l.name, l.source, l.version, l.termCount, l.geneCount])).toEqual([
      ['GO_BP', 'go', '2025-03-16', 125, 105],
      ['GO_CC', 'go', '2025-03-16', 44, 106],
      ['GO_MF', 'go', '2025-03-16', 61, 106],
      // The terms below Phenotypic abnormality with genes, ancestors included.
      ['HPO', 'hpo_phenotypes', '2026-06-06', 53, 67],
      // 141 pathways in the file; those of the four non-kidney genes alone are left out.
      ['Reactome', 'reactome', '94', 127, 89],
    ]);
    const symbols = async (library: string, term: string) => {
      const found = (await geneSets.terms(library)).find((x) => x.id === term)!;
      const rows = await t.app
        .get<DataSource>(getDataSourceToken())
        .query<{ symbol: string }[]>(
          'SELECT approved_symbol AS symbol FROM genes WHERE id = ANY($1) ORDER BY 1',
          [found.genes],
        );
      return rows.map((r) => r.symbol);
    };
    // Kidney development gathers the genes of the terms below it over is_a and part_of:
    // podocyte differentiation, glomerular basement membrane and ureteric bud development.
    expect(await symbols('GO_BP', 'GO:0001822')).toEqual(
      expect.arrayContaining(['COL4A3', 'LAMB2', 'NPHS1', 'PAX2', 'PKD1', 'PLCE1', 'RET', 'WT1']),
    );
    expect(await symbols('GO_CC', 'GO:0036057')).toEqual(['CD2AP', 'NPHS1', 'NPHS2', 'TRPC6']);
    expect(await symbols('Reactome', 'R-HSA-5617833')).toHaveLength(17);
  });

  it('ran as an ordinary pipeline run, every source completed', async () => {
    const runs = await t.app
      .get<DataSource>(getDataSourceToken())
      .query<{ status: string; sources: string[] }[]>(
        `SELECT status, sources FROM pipeline_runs WHERE kind = 'initial'`,
      );
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('completed');
    expect([...runs[0].sources].sort()).toEqual([...EVIDENCE_SOURCES, ...ANNOTATION_SOURCES]);
  });

  it('counts as the last full update: update-new finds no genes added since', async () => {
    const admin = (await loginAdmin(t)).accessToken;
    const res = await t
      .http()
      .post('/api/annotations/pipeline/update-new')
      .set('Authorization', `Bearer ${admin}`)
      .expect(409);
    expect(res.body.error.code).toBe('INVALID_STATE');
  });

  it('does not ingest again once a first start has completed', async () => {
    const second = await createTestApp({
      databaseUrl: t.database!.url,
      env: { SNAPSHOT_INGEST_ON_START: 'true' },
    });
    try {
      expect(second.app.get(FirstStartIngestion).done).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
