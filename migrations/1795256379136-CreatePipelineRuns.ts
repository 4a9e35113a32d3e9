import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePipelineRuns1795256379136 implements MigrationInterface {
  name = 'CreatePipelineRuns1795256379136';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "pipeline_runs" ("id" uuid NOT NULL, "kind" text NOT NULL, "status" text NOT NULL, "sources" text array NOT NULL, "gene_ids" integer array, "options" jsonb NOT NULL DEFAULT '{}', "stage" text, "checkpoint" jsonb NOT NULL DEFAULT '{}', "summary" jsonb NOT NULL DEFAULT '{}', "error" text, "attempts" integer NOT NULL DEFAULT '0', "lease_owner" text, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "requested_by" integer, "requested_by_name" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_485786394df8fcdcbdbcdaedda3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_pipeline_runs_created" ON "pipeline_runs"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_pipeline_runs_status" ON "pipeline_runs"  ("status") `,
    );
    await queryRunner.query(
      `CREATE TABLE "pipeline_run_sources" ("run_id" uuid NOT NULL, "source" text NOT NULL, "kind" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "phase" text, "processed" integer NOT NULL DEFAULT '0', "total" integer, "added" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "errors" jsonb NOT NULL DEFAULT '[]', "result" jsonb, "error" text, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d05dfd511468b8d688ac94fc606" PRIMARY KEY ("run_id", "source"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "pipeline_locks" ("source" text NOT NULL, "run_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_af42d4cb324d91e02b19a15d5d5" PRIMARY KEY ("source"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "pipeline_run_sources" ADD CONSTRAINT "fk_pipeline_run_sources_run" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "pipeline_run_sources" DROP CONSTRAINT "fk_pipeline_run_sources_run"`,
    );
    await queryRunner.query(`DROP TABLE "pipeline_locks"`);
    await queryRunner.query(`DROP TABLE "pipeline_run_sources"`);
    await queryRunner.query(`DROP INDEX "public"."ix_pipeline_runs_status"`);
    await queryRunner.query(`DROP INDEX "public"."ix_pipeline_runs_created"`);
    await queryRunner.query(`DROP TABLE "pipeline_runs"`);
  }
}
