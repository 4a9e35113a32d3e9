import type { MigrationInterface, QueryRunner } from 'typeorm';

/** L2 of the cache (one JSONB row per key) and its per-namespace statistics view. */
export class CreateCacheEntries1795246915748 implements MigrationInterface {
  name = 'CreateCacheEntries1795246915748';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cache_entries" ("cache_key" text NOT NULL, "namespace" text NOT NULL, "key_text" text NOT NULL, "data" jsonb NOT NULL, "data_size" integer NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "stale_until" TIMESTAMP WITH TIME ZONE, "access_count" bigint NOT NULL DEFAULT '0', "last_accessed" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_41b6ffb54b6b090f8bb29cded27" PRIMARY KEY ("cache_key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_cache_entries_stale_until" ON "cache_entries"  ("stale_until") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_cache_entries_namespace_key" ON "cache_entries"  ("namespace", "cache_key") `,
    );
    // Per-namespace figures for the admin endpoints (hand-written).
    await queryRunner.query(`
      CREATE VIEW cache_stats AS
      SELECT namespace,
             count(*) AS total_entries,
             count(*) FILTER (WHERE expires_at IS NULL OR expires_at > now()) AS active_entries,
             count(*) FILTER (WHERE expires_at IS NOT NULL AND expires_at <= now()) AS expired_entries,
             coalesce(sum(data_size), 0) AS total_bytes,
             coalesce(sum(access_count), 0) AS total_accesses,
             max(last_accessed) AS last_access,
             min(created_at) AS oldest_entry,
             max(updated_at) AS newest_entry
      FROM cache_entries
      GROUP BY namespace`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW cache_stats`);
    await queryRunner.query(`DROP INDEX "public"."ix_cache_entries_namespace_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_cache_entries_stale_until"`);
    await queryRunner.query(`DROP TABLE "cache_entries"`);
  }
}
