import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBackups1796610000000 implements MigrationInterface {
  name = 'CreateBackups1796610000000';

  // The backup catalogue and restore records: no foreign keys to other tables, so that
  // pg_restore --clean of the other tables never has to drop or check them (ADR 0006).
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "backup_restores" ("id" SERIAL NOT NULL, "backup_id" integer NOT NULL, "status" text NOT NULL, "create_safety_backup" boolean NOT NULL, "run_analyze" boolean NOT NULL, "safety_backup_id" integer, "method" text, "error_message" text, "requested_by" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "duration_seconds" double precision, CONSTRAINT "PK_850924d3c58d95efdbf231705e7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "backups" ("id" SERIAL NOT NULL, "filename" text NOT NULL, "status" text NOT NULL, "trigger_source" text NOT NULL, "method" text, "description" text, "include_logs" boolean NOT NULL DEFAULT false, "include_cache" boolean NOT NULL DEFAULT false, "compression_level" integer NOT NULL, "parallel_jobs" integer NOT NULL, "progress" integer NOT NULL DEFAULT '0', "file_size" bigint, "checksum_sha256" text, "error_message" text, "schema_version" text, "server_version" text, "database_size" bigint, "tables_count" integer, "created_by" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "duration_seconds" double precision, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_restored_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_80cbfc740e158f7561304e0de18" UNIQUE ("filename"), CONSTRAINT "PK_ca30ff369eddfc7dac3b35d0d3c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_93af15b069c3b36d13689b795f" ON "backups"  ("created_at") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_93af15b069c3b36d13689b795f"`);
    await queryRunner.query(`DROP TABLE "backups"`);
    await queryRunner.query(`DROP TABLE "backup_restores"`);
  }
}
