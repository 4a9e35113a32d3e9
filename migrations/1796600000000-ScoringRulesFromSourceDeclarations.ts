import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each source's evidence counts for scoring moves from a CASE on source names in the
 * scoring views to `data_sources.scoring_rule`, which the app writes at start from each
 * source's declaration (src/sources/catalog/source-declaration.ts). A rule is
 * `{"rule":"classification"}` or `{"rule":"count","first"|"sum":[["count"|"length", field], …]}`.
 * The rows below hold the rules as they were when this migration was written, so a
 * database is scored the same before the app first registers its sources.
 */
const RULES: [string, string, string, string, string, object][] = [
  [
    'PanelApp',
    'PanelApp (UK and Australia)',
    'Green genes of kidney-related diagnostic gene panels',
    'evidence',
    'active',
    { rule: 'count', first: [['length', 'panels']] },
  ],
  [
    'ClinGen',
    'ClinGen gene–disease validity',
    'Expert-curated gene–disease validity classifications for kidney diseases',
    'evidence',
    'active',
    { rule: 'classification' },
  ],
  [
    'GenCC',
    'Gene Curation Coalition',
    'Harmonised gene–disease submissions from multiple curation groups',
    'evidence',
    'active',
    { rule: 'classification' },
  ],
  [
    'HPO',
    'Human Phenotype Ontology',
    'Genes annotated to descendants of Abnormality of the upper urinary tract',
    'evidence',
    'active',
    {
      rule: 'count',
      sum: [
        ['length', 'hpo_terms'],
        ['length', 'diseases'],
      ],
    },
  ],
  [
    'PubTator',
    'PubTator3',
    'Genes mentioned in kidney-disease literature, by publication count',
    'evidence',
    'active',
    {
      rule: 'count',
      first: [
        ['count', 'publication_count'],
        ['length', 'pmids'],
      ],
    },
  ],
  [
    'DiagnosticPanels',
    'Commercial diagnostic panels',
    'Kidney panels of diagnostic laboratories (uploaded)',
    'upload',
    'ready_for_upload',
    {
      rule: 'count',
      first: [
        ['count', 'panel_count'],
        ['length', 'panels'],
      ],
    },
  ],
  [
    'Literature',
    'Curated literature',
    'Genes reported in curated kidney-genetics publications (uploaded)',
    'upload',
    'ready_for_upload',
    {
      rule: 'count',
      first: [
        ['count', 'publication_count'],
        ['length', 'publications'],
      ],
    },
  ],
];

const UP = [
  // Built-ins only in the body: REFRESH MATERIALIZED VIEW runs function bodies with a
  // search_path of pg_catalog alone (PostgreSQL 17+), where this schema's functions are not found.
  `CREATE FUNCTION kg_rule_count(data jsonb, rule jsonb) RETURNS integer LANGUAGE sql IMMUTABLE AS
     $$ WITH terms AS (
          SELECT x.i, CASE x.t ->> 0
              WHEN 'count' THEN CASE WHEN jsonb_typeof(data -> (x.t ->> 1)) = 'number'
                                     THEN greatest(floor((data ->> (x.t ->> 1))::numeric), 0)::int END
              WHEN 'length' THEN CASE WHEN jsonb_typeof(data -> (x.t ->> 1)) = 'array'
                                      THEN jsonb_array_length(data -> (x.t ->> 1)) ELSE 0 END
            END AS n
          FROM jsonb_array_elements(coalesce(rule -> 'sum', rule -> 'first')) WITH ORDINALITY AS x(t, i)
          WHERE rule ->> 'rule' = 'count')
        SELECT CASE WHEN rule ? 'sum' THEN (SELECT sum(n)::int FROM terms)
                    ELSE (SELECT n FROM terms WHERE n IS NOT NULL ORDER BY i LIMIT 1) END $$`,
  `CREATE OR REPLACE VIEW evidence_source_counts AS
   SELECT e.id AS evidence_id, e.gene_id, e.source_name,
          coalesce(kg_rule_count(e.evidence_data, d.scoring_rule), 0) AS source_count
   FROM gene_evidence e LEFT JOIN data_sources d ON d.name = e.source_name`,
  `CREATE OR REPLACE VIEW evidence_classification_weights AS
   SELECT e.id AS evidence_id, e.gene_id, e.source_name,
     coalesce(greatest(
       (SELECT max(kg_classification_weight(coalesce(c ->> 'classification', c #>> '{}')))
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.evidence_data -> 'classifications') = 'array'
                                       THEN e.evidence_data -> 'classifications' ELSE '[]'::jsonb END) AS c),
       CASE WHEN e.evidence_data ? 'classification'
            THEN kg_classification_weight(e.evidence_data ->> 'classification') END
     ), 0.0) AS weight
   FROM gene_evidence e JOIN data_sources d ON d.name = e.source_name
   WHERE d.scoring_rule ->> 'rule' = 'classification'`,
  `CREATE OR REPLACE VIEW evidence_normalized_scores AS
   SELECT evidence_id, gene_id, source_name, source_count,
          percent_rank() OVER (PARTITION BY source_name ORDER BY source_count)::numeric AS normalized_score
   FROM evidence_source_counts
   WHERE source_count > 0
   UNION ALL
   SELECT evidence_id, gene_id, source_name, NULL::integer, weight
   FROM evidence_classification_weights`,
];

/** The views as CreateGeneTables1795248508765 defined them. */
const DOWN = [
  `CREATE OR REPLACE VIEW evidence_source_counts AS
   SELECT e.id AS evidence_id, e.gene_id, e.source_name,
     CASE e.source_name
       WHEN 'PanelApp' THEN kg_array_length(e.evidence_data -> 'panels')
       WHEN 'HPO' THEN kg_array_length(e.evidence_data -> 'hpo_terms') + kg_array_length(e.evidence_data -> 'diseases')
       WHEN 'PubTator' THEN coalesce(kg_count(e.evidence_data -> 'publication_count'), kg_array_length(e.evidence_data -> 'pmids'))
       WHEN 'DiagnosticPanels' THEN coalesce(kg_count(e.evidence_data -> 'panel_count'), kg_array_length(e.evidence_data -> 'panels'))
       WHEN 'Literature' THEN coalesce(kg_count(e.evidence_data -> 'publication_count'), kg_array_length(e.evidence_data -> 'publications'))
       ELSE 0
     END AS source_count
   FROM gene_evidence e`,
  `CREATE OR REPLACE VIEW evidence_classification_weights AS
   SELECT e.id AS evidence_id, e.gene_id, e.source_name,
     coalesce(greatest(
       (SELECT max(kg_classification_weight(coalesce(c ->> 'classification', c #>> '{}')))
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.evidence_data -> 'classifications') = 'array'
                                       THEN e.evidence_data -> 'classifications' ELSE '[]'::jsonb END) AS c),
       CASE WHEN e.evidence_data ? 'classification'
            THEN kg_classification_weight(e.evidence_data ->> 'classification') END
     ), 0.0) AS weight
   FROM gene_evidence e
   WHERE e.source_name IN ('ClinGen', 'GenCC')`,
  `CREATE OR REPLACE VIEW evidence_normalized_scores AS
   SELECT evidence_id, gene_id, source_name, source_count,
          percent_rank() OVER (PARTITION BY source_name ORDER BY source_count)::numeric AS normalized_score
   FROM evidence_source_counts
   WHERE source_name NOT IN ('ClinGen', 'GenCC') AND source_count > 0
   UNION ALL
   SELECT evidence_id, gene_id, source_name, NULL::integer, weight
   FROM evidence_classification_weights`,
  'DROP FUNCTION kg_rule_count(jsonb, jsonb)',
];

export class ScoringRulesFromSourceDeclarations1796600000000 implements MigrationInterface {
  name = 'ScoringRulesFromSourceDeclarations1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "data_sources" ADD "scoring_rule" jsonb');
    for (const [name, displayName, description, category, status, rule] of RULES) {
      await queryRunner.query(
        `INSERT INTO data_sources (name, display_name, description, category, scoring, scoring_rule, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (name) DO UPDATE SET scoring_rule = EXCLUDED.scoring_rule`,
        [name, displayName, description, category, (rule as { rule: string }).rule, rule, status],
      );
    }
    for (const sql of UP) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) {
      await queryRunner.query(sql);
    }
    await queryRunner.query('ALTER TABLE "data_sources" DROP COLUMN "scoring_rule"');
  }
}
