import {
  classifyHpo,
  DEFAULT_CLINICAL_GROUPS,
  DEFAULT_RULES,
  type HpoClassificationRules,
  HpoOntology,
} from './hpo-classification.js';
import { hpoAnnotation, indexGeneTerms } from './hpo-phenotypes.source.js';

/** A slice of the real HPO `is_a` hierarchy (intermediate terms left out where noted). */
const TERMS: [string, string, string | null][] = [
  ['HP:0000001', 'All', null],
  ['HP:0000118', 'Phenotypic abnormality', 'HP:0000001'],
  ['HP:0000079', 'Abnormality of the urinary system', 'HP:0000118'],
  ['HP:0010935', 'Abnormality of the upper urinary tract', 'HP:0000079'],
  ['HP:0000077', 'Abnormality of the kidney', 'HP:0010935'],
  ['HP:0012210', 'Abnormal renal morphology', 'HP:0000077'],
  ['HP:0000107', 'Renal cyst', 'HP:0012210'],
  ['HP:0005562', 'Multiple renal cysts', 'HP:0000107'],
  ['HP:0000113', 'Polycystic kidney dysplasia', 'HP:0012210'],
  ['HP:0000090', 'Nephronophthisis', 'HP:0012210'],
  ['HP:0000083', 'Renal insufficiency', 'HP:0000077'],
  ['HP:0000093', 'Proteinuria', 'HP:0000079'],
  ['HP:0000790', 'Hematuria', 'HP:0000079'],
  ['HP:0000152', 'Abnormality of head or neck', 'HP:0000118'],
  ['HP:0000598', 'Abnormality of the ear', 'HP:0000152'],
  ['HP:0000407', 'Sensorineural hearing impairment', 'HP:0000598'],
  ['HP:0000707', 'Abnormality of the nervous system', 'HP:0000118'],
  ['HP:0001249', 'Intellectual disability', 'HP:0000707'],
  ['HP:0002419', 'Molar tooth sign on MRI', 'HP:0000707'],
  ['HP:0001507', 'Growth abnormality', 'HP:0000118'],
  ['HP:0004322', 'Short stature', 'HP:0001507'],
  ['HP:0000924', 'Abnormality of the skeletal system', 'HP:0000118'],
  ['HP:0002650', 'Scoliosis', 'HP:0000924'],
  ['HP:0001407', 'Hepatic cysts', 'HP:0000118'],
  ['HP:0000822', 'Hypertension', 'HP:0000118'],
  ['HP:0000005', 'Mode of inheritance', 'HP:0000001'],
  ['HP:0000006', 'Autosomal dominant inheritance', 'HP:0000005'],
  ['HP:0001417', 'X-linked inheritance', 'HP:0000005'],
  ['HP:0031797', 'Clinical course', 'HP:0000001'],
  ['HP:0003674', 'Onset', 'HP:0031797'],
  ['HP:0003581', 'Adult onset', 'HP:0003674'],
  ['HP:0410280', 'Pediatric onset', 'HP:0003674'],
  ['HP:0003593', 'Infantile onset', 'HP:0410280'],
  ['HP:0003577', 'Congenital onset', 'HP:0003674'],
];

const iri = (id: string) => `http://purl.obolibrary.org/obo/${id.replace(':', '_')}`;
const ontology = new HpoOntology(
  JSON.stringify({
    graphs: [
      {
        meta: { version: 'http://purl.obolibrary.org/obo/hp/releases/2026-06-06/hp.json' },
        nodes: [
          ...TERMS.map(([id, lbl]) => ({ id: iri(id), lbl, type: 'CLASS' })),
          {
            id: iri('HP:0000009'),
            lbl: 'Functional abnormality of the bladder',
            meta: { deprecated: true },
          },
        ],
        edges: [
          ...TERMS.filter(([, , parent]) => parent).map(([id, , parent]) => ({
            sub: iri(id),
            pred: 'is_a',
            obj: iri(parent!),
          })),
          { sub: iri('HP:0000009'), pred: 'is_a', obj: iri('HP:0000077') },
        ],
      },
    ],
  }),
);

const rules: HpoClassificationRules = {
  ...DEFAULT_RULES,
  kidneyRoots: ['HP:0010935', 'HP:0000077', 'HP:0012210', 'HP:0000079'],
  clinicalGroups: DEFAULT_CLINICAL_GROUPS,
  syndromicThreshold: 0.3,
};

const fileOf = (symbol: string, ncbi: string, terms: string[]) =>
  [
    'ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id',
    ...terms.map((t) => `${ncbi}\t${symbol}\t${t}\tname of ${t}\t-\tOMIM:000001`),
  ].join('\n');

const annotate = (symbol: string, ncbi: string, terms: string[]) =>
  hpoAnnotation(indexGeneTerms(fileOf(symbol, ncbi, terms)).byNcbi.get(ncbi)!, ontology, rules);

describe('HpoOntology', () => {
  it('reads the release from the version IRI and skips deprecated terms', () => {
    expect(ontology.version).toBe('2026-06-06');
    expect(ontology.descendants('HP:0000077').has('HP:0000009')).toBe(false);
    expect([...ontology.descendants('HP:0000107')].sort()).toEqual(['HP:0000107', 'HP:0005562']);
    expect(ontology.name('HP:0000113')).toBe('Polycystic kidney dysplasia');
  });

  it('refuses a file without a graph', () => {
    expect(() => new HpoOntology('{"graphs":[]}')).toThrow(/no graph/);
    expect(() => new HpoOntology('{"graphs":[{"nodes"')).toThrow();
  });
});

describe('HPO classification, worked examples', () => {
  it('polycystic kidney disease: cystic group, adult onset, not syndromic', () => {
    const a = annotate('PKD1', '5310', [
      'HP:0000113',
      'HP:0000083',
      'HP:0005562',
      'HP:0001407',
      'HP:0000822',
      'HP:0000006',
      'HP:0003581',
    ]);
    // Inheritance and onset are kept apart: 5 phenotypes, 3 of them below the kidney roots.
    expect(a).toMatchObject({
      phenotype_count: 5,
      kidney_phenotype_count: 3,
      has_kidney_phenotype: true,
      inheritance: [{ id: 'HP:0000006', name: 'Autosomal dominant inheritance' }],
      ontology_version: '2026-06-06',
    });
    expect((a.kidney_phenotypes as { id: string }[]).map((t) => t.id)).toEqual([
      'HP:0000083',
      'HP:0000113',
      'HP:0005562',
    ]);
    // Cyst/cilio signature: renal cyst (via multiple renal cysts), polycystic kidney
    // dysplasia, hepatic cysts = 3 of 5; no other group matches, so it is 1 after normalizing.
    expect(a.classification).toEqual({
      clinical_group: {
        primary: 'cyst_cilio',
        scores: {
          complement: 0,
          cakut: 0,
          glomerulopathy: 0,
          cyst_cilio: 1,
          tubulopathy: 0,
          nephrolithiasis: 0,
        },
        supporting_terms: ['HP:0000113', 'HP:0001407', 'HP:0005562'],
      },
      onset_group: { primary: 'adult', scores: { adult: 1, pediatric: 0, congenital: 0 } },
      syndromic_assessment: {
        is_syndromic: false,
        syndromic_score: 0,
        threshold: 0.3,
        category_scores: { growth: 0, skeletal: 0, neurologic: 0, head_neck: 0 },
        extra_renal_categories: [],
        extra_renal_term_counts: {},
      },
    });
  });

  it('Alport syndrome: glomerulopathy, hearing loss alone stays below the threshold', () => {
    const { classification: c } = annotate('COL4A5', '1287', [
      'HP:0000790',
      'HP:0000093',
      'HP:0000083',
      'HP:0000407',
      'HP:0001417',
    ]) as { classification: ReturnType<typeof classifyHpo> };
    expect(c.clinical_group.primary).toBe('glomerulopathy');
    expect(c.clinical_group.supporting_terms).toEqual(['HP:0000093', 'HP:0000790']);
    expect(c.onset_group).toEqual({
      primary: null,
      scores: { adult: 0, pediatric: 0, congenital: 0 },
    });
    // 1 head/neck term of 4 phenotypes = 0.25 < 0.3.
    expect(c.syndromic_assessment).toMatchObject({
      is_syndromic: false,
      syndromic_score: 0.25,
      category_scores: { head_neck: 0.25 },
      extra_renal_categories: ['head_neck'],
      extra_renal_term_counts: { head_neck: 1 },
    });
  });

  it('Joubert-like ciliopathy: syndromic from neurologic, growth and skeletal terms', () => {
    const { classification: c } = annotate('CEP290', '80184', [
      'HP:0000090',
      'HP:0001249',
      'HP:0002419',
      'HP:0004322',
      'HP:0002650',
      'HP:0003593',
    ]) as { classification: ReturnType<typeof classifyHpo> };
    // 5 phenotypes: neurologic 2/5, growth 1/5, skeletal 1/5 → 0.8.
    expect(c.syndromic_assessment).toEqual({
      is_syndromic: true,
      syndromic_score: 0.8,
      threshold: 0.3,
      category_scores: { growth: 0.2, skeletal: 0.2, neurologic: 0.4, head_neck: 0 },
      extra_renal_categories: ['growth', 'skeletal', 'neurologic'],
      extra_renal_term_counts: { growth: 1, skeletal: 1, neurologic: 2 },
    });
    expect(c.clinical_group.primary).toBe('cyst_cilio');
    expect(c.onset_group.primary).toBe('pediatric');
  });

  it('normalizes scores over the groups a gene matches', () => {
    // Glomerulopathy 1 of 5 (proteinuria), cyst/cilio 2 of 5 (renal cyst, PKD dysplasia).
    const c = classifyHpo(ontology, ['HP:0000093', 'HP:0000107', 'HP:0000113'], [], rules);
    expect(c.clinical_group.scores).toMatchObject({ glomerulopathy: 0.333, cyst_cilio: 0.667 });
    expect(c.clinical_group.primary).toBe('cyst_cilio');
  });

  it('a share exactly at the threshold is syndromic; no phenotypes is not', () => {
    const phenotypes = ['HP:0001249', 'HP:0000093', 'HP:0000790', 'HP:0000107', 'HP:0000113'];
    const at = classifyHpo(ontology, phenotypes, [], { ...rules, syndromicThreshold: 0.2 });
    expect(at.syndromic_assessment).toMatchObject({ is_syndromic: true, syndromic_score: 0.2 });
    const empty = classifyHpo(ontology, [], [], { ...rules, syndromicThreshold: 0 });
    expect(empty.syndromic_assessment.is_syndromic).toBe(false);
    expect(empty.clinical_group).toEqual({
      primary: null,
      scores: expect.objectContaining({ complement: 0 }) as unknown,
      supporting_terms: [],
    });
  });
});

describe('genes_to_phenotype index', () => {
  it('groups rows per gene, dedupes terms and counts unusable rows', () => {
    const index = indexGeneTerms(
      [
        'ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id',
        '5310\tPKD1\tHP:0000113\tPolycystic kidney dysplasia\t-\tOMIM:173900',
        '5310\tPKD1\tHP:0000113\tPolycystic kidney dysplasia\t-\tORPHA:730',
        '5310\tPKD1\tnot-an-id\tbroken\t-\tOMIM:173900',
        '\tPKD2\tHP:0000113\tno gene id\t-\t',
      ].join('\n'),
    );
    expect(index).toMatchObject({ rows: 4, skipped: 2 });
    const pkd1 = index.bySymbol.get('PKD1')!;
    expect([...pkd1.terms.keys()]).toEqual(['HP:0000113']);
    expect([...pkd1.diseases].sort()).toEqual(['OMIM:173900', 'ORPHA:730']);
  });

  it('refuses a file without its header', () => {
    expect(() => indexGeneTerms('<html>Not found</html>')).toThrow(/no header/);
  });
});
