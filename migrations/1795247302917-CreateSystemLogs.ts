import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Persisted log records with the request columns filled and indexes for the admin queries. */
export class CreateSystemLogs1795247302917 implements MigrationInterface {
  name = 'CreateSystemLogs1795247302917';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "system_logs" ("id" BIGSERIAL NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "level" text NOT NULL, "logger" text, "message" text NOT NULL, "request_id" text, "user_id" integer, "run_id" text, "ip" text, "user_agent" text, "method" text, "path" text, "status_code" integer, "duration_ms" double precision, "error_type" text, "error_message" text, "stack" text, "context" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_56861c4b9d16aa90259f4ce0a2c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_system_logs_request_id" ON "system_logs"  ("request_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_system_logs_level_timestamp" ON "system_logs"  ("level", "timestamp") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_system_logs_timestamp" ON "system_logs"  ("timestamp") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_system_logs_timestamp"`);
    await queryRunner.query(`DROP INDEX "public"."ix_system_logs_level_timestamp"`);
    await queryRunner.query(`DROP INDEX "public"."ix_system_logs_request_id"`);
    await queryRunner.query(`DROP TABLE "system_logs"`);
  }
}
