import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A published release is immutable: its row may gain a DOI (doi, doi_status, doi_error,
 * citation_text, updated_at) and nothing else, and its genes and files cannot be changed
 * or deleted. The service refuses such changes first (409); this keeps any other writer
 * (a script, a migration) from altering what was cited.
 */
const FROZEN = [
  `CREATE FUNCTION kg_release_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     published boolean;
   BEGIN
     IF TG_TABLE_NAME = 'releases' THEN
       IF OLD.status <> 'published' THEN
         RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
       END IF;
       IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - ARRAY['doi', 'doi_status', 'doi_error',
           'citation_text', 'updated_at']) = (to_jsonb(OLD) - ARRAY['doi', 'doi_status',
           'doi_error', 'citation_text', 'updated_at']) THEN
         RETURN NEW;
       END IF;
       RAISE EXCEPTION 'release % is published and cannot change', OLD.version
         USING ERRCODE = 'object_not_in_prerequisite_state';
     END IF;
     SELECT r.status = 'published' INTO published FROM releases r WHERE r.id = OLD.release_id;
     IF published THEN
       RAISE EXCEPTION 'the files and genes of a published release cannot change'
         USING ERRCODE = 'object_not_in_prerequisite_state';
     END IF;
     RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
   END $$`,
  `CREATE TRIGGER tr_releases_frozen BEFORE UPDATE OR DELETE ON releases
   FOR EACH ROW EXECUTE FUNCTION kg_release_frozen()`,
  `CREATE TRIGGER tr_release_genes_frozen BEFORE UPDATE OR DELETE ON release_genes
   FOR EACH ROW EXECUTE FUNCTION kg_release_frozen()`,
  `CREATE TRIGGER tr_release_files_frozen BEFORE UPDATE OR DELETE ON release_files
   FOR EACH ROW EXECUTE FUNCTION kg_release_frozen()`,
  `CREATE TRIGGER tr_release_file_chunks_frozen BEFORE UPDATE OR DELETE ON release_file_chunks
   FOR EACH ROW EXECUTE FUNCTION kg_release_frozen()`,
];

/** Releases: drafts, and published gene lists frozen with their export files. */
export class CreateReleases1796581433958 implements MigrationInterface {
  name = 'CreateReleases1796581433958';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "releases" ("id" SERIAL NOT NULL, "version" text NOT NULL, "calver_year" integer NOT NULL, "calver_month" integer NOT NULL, "status" text NOT NULL DEFAULT 'draft', "release_notes" text, "created_by_id" integer, "published_at" TIMESTAMP WITH TIME ZONE, "published_by_id" integer, "published_by_name" text, "gene_count" integer, "evidence_count" integer, "annotation_count" integer, "sources" jsonb, "export_checksum" character(64), "citation_text" text, "doi" text, "doi_status" text, "doi_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_releases_calver" UNIQUE ("calver_year", "calver_month"), CONSTRAINT "uq_releases_version" UNIQUE ("version"), CONSTRAINT "ck_releases_calver_month" CHECK ("calver_month" BETWEEN 1 AND 12), CONSTRAINT "ck_releases_status" CHECK ("status" IN ('draft', 'published')), CONSTRAINT "PK_6b6fc2599a5a281dd44a7d64016" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "release_files" ("release_id" integer NOT NULL, "format" text NOT NULL, "file_name" text NOT NULL, "content_type" text NOT NULL, "size" bigint NOT NULL, "sha256" character(64) NOT NULL, "chunk_count" integer NOT NULL, CONSTRAINT "PK_ac5a2bc4503b26ee185eb0e26b4" PRIMARY KEY ("release_id", "format"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "release_genes" ("release_id" integer NOT NULL, "hgnc_id" text NOT NULL, "symbol" text NOT NULL, "name" text, "aliases" text array NOT NULL DEFAULT '{}', "raw_score" numeric NOT NULL, "percentage_score" numeric NOT NULL, "evidence_tier" text NOT NULL, "evidence_group" text NOT NULL, "source_count" integer NOT NULL, "source_scores" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_de47b851583ddd9b1776ad03a8c" PRIMARY KEY ("release_id", "hgnc_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_release_genes_release_symbol" ON "release_genes"  ("release_id", "symbol") `,
    );
    await queryRunner.query(
      `CREATE TABLE "release_file_chunks" ("release_id" integer NOT NULL, "format" text NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_9a7f687cc8e30183727bdc4c0bd" PRIMARY KEY ("release_id", "format", "seq"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_files" ADD CONSTRAINT "fk_release_files_release" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_genes" ADD CONSTRAINT "fk_release_genes_release" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_file_chunks" ADD CONSTRAINT "fk_release_file_chunks_file" FOREIGN KEY ("release_id", "format") REFERENCES "release_files"("release_id","format") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    for (const sql of FROZEN) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER tr_release_file_chunks_frozen ON release_file_chunks`);
    await queryRunner.query(`DROP TRIGGER tr_release_files_frozen ON release_files`);
    await queryRunner.query(`DROP TRIGGER tr_release_genes_frozen ON release_genes`);
    await queryRunner.query(`DROP TRIGGER tr_releases_frozen ON releases`);
    await queryRunner.query(`DROP FUNCTION kg_release_frozen()`);
    await queryRunner.query(
      `ALTER TABLE "release_file_chunks" DROP CONSTRAINT "fk_release_file_chunks_file"`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_genes" DROP CONSTRAINT "fk_release_genes_release"`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_files" DROP CONSTRAINT "fk_release_files_release"`,
    );
    await queryRunner.query(`DROP TABLE "release_file_chunks"`);
    await queryRunner.query(`DROP INDEX "public"."ix_release_genes_release_symbol"`);
    await queryRunner.query(`DROP TABLE "release_genes"`);
    await queryRunner.query(`DROP TABLE "release_files"`);
    await queryRunner.query(`DROP TABLE "releases"`);
  }
}
