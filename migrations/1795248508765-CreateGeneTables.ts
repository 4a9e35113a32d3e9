import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The `gene_scores` view and its indexes as first created (a later migration replaces them). */
export const GENE_SCORES_SQL = [
  `CREATE MATERIALIZED VIEW gene_scores AS
   WITH per_source AS (
     SELECT gene_id, source_name, max(normalized_score) AS score
     FROM evidence_normalized_scores GROUP BY gene_id, source_name),
   active AS (SELECT count(DISTINCT source_name)::int AS n FROM per_source),
   per_gene AS (
     SELECT gene_id, count(*)::int AS source_count, sum(score) AS raw_score,
            jsonb_object_agg(source_name, round(score, 4) ORDER BY source_name) AS source_scores,
            array_agg(source_name ORDER BY source_name) AS sources
     FROM per_source GROUP BY gene_id),
   scored AS (
     SELECT g.id AS gene_id,
            coalesce(p.source_count, 0) AS source_count,
            round(coalesce(p.raw_score, 0), 6) AS raw_score,
            a.n AS total_active_sources,
            CASE WHEN a.n > 0 THEN round(coalesce(p.raw_score, 0) / a.n * 100, 4) ELSE 0 END AS percentage_score,
            coalesce(p.source_scores, '{}'::jsonb) AS source_scores,
            coalesce(p.sources, '{}'::text[]) AS sources
     FROM genes g CROSS JOIN active a LEFT JOIN per_gene p ON p.gene_id = g.id)
   SELECT s.*,
     CASE WHEN source_count >= 4 AND percentage_score >= 50 THEN 'comprehensive_support'
          WHEN source_count >= 3 AND percentage_score >= 35 THEN 'multi_source_support'
          WHEN source_count >= 2 AND percentage_score >= 20 THEN 'established_support'
          WHEN percentage_score >= 10 THEN 'preliminary_evidence'
          WHEN percentage_score > 0 THEN 'minimal_evidence'
          ELSE 'no_evidence' END AS evidence_tier,
     CASE WHEN source_count >= 2 AND percentage_score >= 20 THEN 'well_supported'
          WHEN percentage_score > 0 THEN 'emerging_evidence'
          ELSE 'insufficient' END AS evidence_group
   FROM scored s`,
  `CREATE UNIQUE INDEX uq_gene_scores_gene_id ON gene_scores (gene_id)`,
  `CREATE INDEX ix_gene_scores_percentage ON gene_scores (percentage_score DESC)`,
  `CREATE INDEX ix_gene_scores_tier ON gene_scores (evidence_tier)`,
  `CREATE INDEX ix_gene_scores_source_count ON gene_scores (source_count)`,
];

/**
 * Evidence scoring (see docs/scoring.md): count sources are percent-ranked within their
 * source among genes with a count above zero; ClinGen and GenCC map every classification
 * to a weight and take the maximum; a gene's score is the sum of its source scores over
 * the number of active sources, as a percentage. `gene_scores` is materialized with a
 * unique index so it can be refreshed concurrently.
 */
const SCORING_SQL = [
  `CREATE FUNCTION kg_array_length(j jsonb) RETURNS integer LANGUAGE sql IMMUTABLE AS
     $$ SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN jsonb_array_length(j) ELSE 0 END $$`,
  `CREATE FUNCTION kg_count(j jsonb) RETURNS integer LANGUAGE sql IMMUTABLE AS
     $$ SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN greatest(floor((j #>> '{}')::numeric), 0)::int END $$`,
  `CREATE FUNCTION kg_classification_weight(label text) RETURNS numeric LANGUAGE sql IMMUTABLE AS
     $$ SELECT CASE lower(btrim(replace(coalesce(label, ''), '"', '')))
          WHEN 'definitive' THEN 1.0 WHEN 'strong' THEN 0.8 WHEN 'moderate' THEN 0.6
          WHEN 'supportive' THEN 0.5 WHEN 'limited' THEN 0.4
          WHEN 'disputed' THEN 0.2 WHEN 'disputed evidence' THEN 0.2
          ELSE 0.0 END $$`,
  `CREATE VIEW evidence_source_counts AS
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
  `CREATE VIEW evidence_classification_weights AS
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
  `CREATE VIEW evidence_normalized_scores AS
   SELECT evidence_id, gene_id, source_name, source_count,
          percent_rank() OVER (PARTITION BY source_name ORDER BY source_count)::numeric AS normalized_score
   FROM evidence_source_counts
   WHERE source_name NOT IN ('ClinGen', 'GenCC') AND source_count > 0
   UNION ALL
   SELECT evidence_id, gene_id, source_name, NULL::integer, weight
   FROM evidence_classification_weights`,
  ...GENE_SCORES_SQL,
];

const SCORING_DROP = [
  'DROP MATERIALIZED VIEW gene_scores',
  'DROP VIEW evidence_normalized_scores',
  'DROP VIEW evidence_classification_weights',
  'DROP VIEW evidence_source_counts',
  'DROP FUNCTION kg_classification_weight(text)',
  'DROP FUNCTION kg_count(jsonb)',
  'DROP FUNCTION kg_array_length(jsonb)',
];

/** Genes, evidence per source, annotations, the source registry and scoring. */
export class CreateGeneTables1795248508765 implements MigrationInterface {
  name = 'CreateGeneTables1795248508765';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "data_sources" ("name" text NOT NULL, "display_name" text NOT NULL, "description" text NOT NULL, "category" text NOT NULL, "scoring" text, "url" text, "documentation_url" text, "status" text NOT NULL DEFAULT 'active', "last_updated_at" TIMESTAMP WITH TIME ZONE, "metadata" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bc118461a56a298ca753d901b88" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "genes" ("id" SERIAL NOT NULL, "hgnc_id" text NOT NULL, "approved_symbol" text NOT NULL, "name" text, "aliases" text array NOT NULL DEFAULT '{}', "previous_symbols" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8e77fa769a09a0c9b55a904d436" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_genes_hgnc_id" ON "genes"  ("hgnc_id") `);
    await queryRunner.query(
      `CREATE TABLE "gene_evidence" ("id" BIGSERIAL NOT NULL, "gene_id" integer NOT NULL, "source_name" text NOT NULL, "source_detail" text, "evidence_data" jsonb NOT NULL, "evidence_date" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_gene_evidence_gene_source" UNIQUE ("gene_id", "source_name"), CONSTRAINT "PK_6eebb78f73bb62a075970c3490d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_gene_evidence_source_name" ON "gene_evidence"  ("source_name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "gene_annotations" ("id" BIGSERIAL NOT NULL, "gene_id" integer NOT NULL, "source" text NOT NULL, "version" text, "annotations" jsonb NOT NULL, "source_metadata" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_gene_annotations_gene_source" UNIQUE ("gene_id", "source"), CONSTRAINT "PK_8e69a638fc0f1e112a33d644c36" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_gene_annotations_source" ON "gene_annotations"  ("source") `,
    );
    await queryRunner.query(
      `ALTER TABLE "gene_evidence" ADD CONSTRAINT "fk_gene_evidence_gene" FOREIGN KEY ("gene_id") REFERENCES "genes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "gene_annotations" ADD CONSTRAINT "fk_gene_annotations_gene" FOREIGN KEY ("gene_id") REFERENCES "genes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Hand-written from here: HGNC id format, case-insensitive symbol uniqueness, scoring.
    await queryRunner.query(
      `ALTER TABLE "genes" ADD CONSTRAINT "ck_genes_hgnc_id" CHECK ("hgnc_id" ~ '^HGNC:[0-9]+$')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_genes_symbol_upper" ON "genes" (upper("approved_symbol"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_genes_aliases" ON "genes" USING gin ("aliases")`);
    await queryRunner.query(
      `CREATE INDEX "ix_genes_symbol_trgm" ON "genes" USING gin (upper("approved_symbol") gin_trgm_ops)`,
    );
    for (const sql of SCORING_SQL) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of SCORING_DROP) {
      await queryRunner.query(sql);
    }
    await queryRunner.query(`DROP INDEX "public"."ix_genes_symbol_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."ix_genes_aliases"`);
    await queryRunner.query(`DROP INDEX "public"."uq_genes_symbol_upper"`);
    await queryRunner.query(`ALTER TABLE "genes" DROP CONSTRAINT "ck_genes_hgnc_id"`);
    await queryRunner.query(
      `ALTER TABLE "gene_annotations" DROP CONSTRAINT "fk_gene_annotations_gene"`,
    );
    await queryRunner.query(`ALTER TABLE "gene_evidence" DROP CONSTRAINT "fk_gene_evidence_gene"`);
    await queryRunner.query(`DROP INDEX "public"."ix_gene_annotations_source"`);
    await queryRunner.query(`DROP TABLE "gene_annotations"`);
    await queryRunner.query(`DROP INDEX "public"."ix_gene_evidence_source_name"`);
    await queryRunner.query(`DROP TABLE "gene_evidence"`);
    await queryRunner.query(`DROP INDEX "public"."uq_genes_hgnc_id"`);
    await queryRunner.query(`DROP TABLE "genes"`);
    await queryRunner.query(`DROP TABLE "data_sources"`);
  }
}
