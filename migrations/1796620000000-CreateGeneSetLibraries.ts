import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGeneSetLibraries1796620000000 implements MigrationInterface {
  name = 'CreateGeneSetLibraries1796620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "gene_set_libraries" ("name" text NOT NULL, "source" text NOT NULL, "version" text NOT NULL, "term_count" integer NOT NULL, "gene_count" integer NOT NULL, "loaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4a64a5b8ca0a501fc062652b71a" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "gene_set_terms" ("library" text NOT NULL, "term_id" text NOT NULL, "term_name" text NOT NULL, "gene_ids" integer array NOT NULL, CONSTRAINT "PK_c6d923b3cb737b0544230b54709" PRIMARY KEY ("library", "term_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "gene_set_terms" ADD CONSTRAINT "fk_gene_set_terms_library" FOREIGN KEY ("library") REFERENCES "gene_set_libraries"("name") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "gene_set_terms" DROP CONSTRAINT "fk_gene_set_terms_library"`,
    );
    await queryRunner.query(`DROP TABLE "gene_set_terms"`);
    await queryRunner.query(`DROP TABLE "gene_set_libraries"`);
  }
}
