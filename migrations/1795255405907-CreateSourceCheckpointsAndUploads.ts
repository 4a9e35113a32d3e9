import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Checkpoints of paged source runs, and the upload history and audit of upload sources. */
export class CreateSourceCheckpointsAndUploads1795255405907 implements MigrationInterface {
  name = 'CreateSourceCheckpointsAndUploads1795255405907';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "source_checkpoints" ("source" text NOT NULL, "data" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4294f1dba2ca6eeb10c6e29ad64" PRIMARY KEY ("source"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "evidence_uploads" ("id" SERIAL NOT NULL, "source_name" text NOT NULL, "identifier" text NOT NULL, "file_name" text NOT NULL, "content_type" text, "format" text NOT NULL, "file_size" integer NOT NULL, "file_hash" text NOT NULL, "mode" text NOT NULL, "status" text NOT NULL DEFAULT 'completed', "rows" integer NOT NULL, "gene_count" integer NOT NULL, "genes_stored" integer NOT NULL, "genes_staged" integer NOT NULL, "failed" integer NOT NULL, "failures" jsonb NOT NULL DEFAULT '[]', "metadata" jsonb NOT NULL DEFAULT '{}', "records" jsonb NOT NULL DEFAULT '[]', "uploaded_by" integer, "uploaded_by_name" text, "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5f1d15db2fcd6f5933c59efb047" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_evidence_uploads_file_hash" ON "evidence_uploads"  ("file_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_evidence_uploads_source_identifier" ON "evidence_uploads"  ("source_name", "identifier") `,
    );
    await queryRunner.query(
      `CREATE TABLE "upload_audit" ("id" BIGSERIAL NOT NULL, "source_name" text NOT NULL, "action" text NOT NULL, "identifier" text, "upload_id" integer, "user_id" integer, "username" text, "details" jsonb NOT NULL DEFAULT '{}', "performed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_867212b31375d5427909723c38e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_upload_audit_source_time" ON "upload_audit"  ("source_name", "performed_at") `,
    );
    // Smart PubTator runs ask, per page, which PMIDs stored evidence already holds.
    await queryRunner.query(
      `CREATE INDEX "ix_gene_evidence_pubtator_pmids" ON "gene_evidence" USING gin ((evidence_data -> 'pmids')) WHERE source_name = 'PubTator'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_gene_evidence_pubtator_pmids"`);
    await queryRunner.query(`DROP INDEX "public"."ix_upload_audit_source_time"`);
    await queryRunner.query(`DROP TABLE "upload_audit"`);
    await queryRunner.query(`DROP INDEX "public"."ix_evidence_uploads_source_identifier"`);
    await queryRunner.query(`DROP INDEX "public"."ix_evidence_uploads_file_hash"`);
    await queryRunner.query(`DROP TABLE "evidence_uploads"`);
    await queryRunner.query(`DROP TABLE "source_checkpoints"`);
  }
}
