import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CacheReadsWriteNothing1796650000000 implements MigrationInterface {
  name = 'CacheReadsWriteNothing1796650000000';

  // An L2 read was an UPDATE that counted the access: a new row version and its WAL on
  // every hit, for two columns nothing but this view read. Reads are counted in memory
  // (the cache metrics) instead; the view keeps every other figure.
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW cache_stats`);
    await queryRunner.query(`ALTER TABLE "cache_entries" DROP COLUMN "access_count"`);
    await queryRunner.query(`ALTER TABLE "cache_entries" DROP COLUMN "last_accessed"`);
    await queryRunner.query(`
      CREATE VIEW cache_stats AS
      SELECT namespace,
             count(*) AS total_entries,
             count(*) FILTER (WHERE expires_at IS NULL OR expires_at > now()) AS active_entries,
             count(*) FILTER (WHERE expires_at IS NOT NULL AND expires_at <= now()) AS expired_entries,
             coalesce(sum(data_size), 0) AS total_bytes,
             min(created_at) AS oldest_entry,
             max(updated_at) AS newest_entry
      FROM cache_entries
      GROUP BY namespace`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW cache_stats`);
    await queryRunner.query(
      `ALTER TABLE "cache_entries" ADD "last_accessed" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "cache_entries" ADD "access_count" bigint NOT NULL DEFAULT '0'`,
    );
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
}
