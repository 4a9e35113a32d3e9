import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Genes each annotation source failed on, so a run with scope `failed` retries exactly those. */
export class CreateAnnotationFailures1795256412804 implements MigrationInterface {
  name = 'CreateAnnotationFailures1795256412804';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "annotation_failures" ("gene_id" integer NOT NULL, "source" text NOT NULL, "reason" text NOT NULL, "attempts" integer NOT NULL DEFAULT '1', "last_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_335c451f5e43ca005982c8872b4" PRIMARY KEY ("gene_id", "source"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "annotation_failures" ADD CONSTRAINT "fk_annotation_failures_gene" FOREIGN KEY ("gene_id") REFERENCES "genes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "annotation_failures" DROP CONSTRAINT "fk_annotation_failures_gene"`,
    );
    await queryRunner.query(`DROP TABLE "annotation_failures"`);
  }
}
