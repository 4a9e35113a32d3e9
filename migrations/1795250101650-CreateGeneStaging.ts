import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The staging queue of unresolved symbols, with the evidence to replay on approval. */
export class CreateGeneStaging1795250101650 implements MigrationInterface {
  name = 'CreateGeneStaging1795250101650';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "gene_staging" ("id" SERIAL NOT NULL, "source_name" text NOT NULL, "original_text" text NOT NULL, "reason" text NOT NULL, "candidates" jsonb NOT NULL DEFAULT '[]', "evidence_data" jsonb NOT NULL, "evidence_detail" text, "status" text NOT NULL DEFAULT 'pending', "priority" integer NOT NULL DEFAULT '0', "resolved_gene_id" integer, "reviewed_by" integer, "reviewed_at" TIMESTAMP WITH TIME ZONE, "review_notes" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_52d6493e9d9b003d0779b6109ba" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_gene_staging_source" ON "gene_staging"  ("source_name") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_gene_staging_status_priority" ON "gene_staging"  ("status", "priority") `,
    );
    // One pending entry per source and symbol: re-running a source updates it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_gene_staging_pending" ON "gene_staging" ("source_name", upper("original_text")) WHERE "status" = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_gene_staging_pending"`);
    await queryRunner.query(`DROP INDEX "public"."ix_gene_staging_status_priority"`);
    await queryRunner.query(`DROP INDEX "public"."ix_gene_staging_source"`);
    await queryRunner.query(`DROP TABLE "gene_staging"`);
  }
}
