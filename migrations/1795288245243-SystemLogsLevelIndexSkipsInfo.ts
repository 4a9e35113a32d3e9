import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The level index leaves out `info` records (a line per request): listings that include
 * info walk the timestamp index, and each request line saves one index insert.
 */
export class SystemLogsLevelIndexSkipsInfo1795288245243 implements MigrationInterface {
  name = 'SystemLogsLevelIndexSkipsInfo1795288245243';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_system_logs_level_timestamp"`);
    await queryRunner.query(
      `CREATE INDEX "ix_system_logs_level_timestamp_not_info" ON "system_logs"  ("level", "timestamp") WHERE "level" <> 'info'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_system_logs_level_timestamp_not_info"`);
    await queryRunner.query(
      `CREATE INDEX "ix_system_logs_level_timestamp" ON "system_logs" USING btree ("level", "timestamp") `,
    );
  }
}
