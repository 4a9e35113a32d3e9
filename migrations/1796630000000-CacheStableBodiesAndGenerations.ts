import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24. `cache_entries.data` becomes `json`, which keeps the text as written (jsonb
 * reorders object keys, so an instance reading a row back sent other bytes and another
 * ETag); converted in place, rows kept. `cache_generations` counts clears per namespace
 * (`*`: all of them), so a write from a fill started before a clear can be refused.
 */
export class CacheStableBodiesAndGenerations1796630000000 implements MigrationInterface {
  name = 'CacheStableBodiesAndGenerations1796630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cache_generations" ("namespace" text NOT NULL, "generation" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_be09cc50348cdf26336e877871c" PRIMARY KEY ("namespace"))`,
    );
    await queryRunner.query(`INSERT INTO "cache_generations" ("namespace") VALUES ('*')`);
    await queryRunner.query(
      `ALTER TABLE "cache_entries" ALTER COLUMN "data" TYPE json USING "data"::json`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "cache_entries" ALTER COLUMN "data" TYPE jsonb USING "data"::jsonb`,
    );
    await queryRunner.query(`DROP TABLE "cache_generations"`);
  }
}
