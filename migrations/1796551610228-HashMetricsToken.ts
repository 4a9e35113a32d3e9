import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The digest the app keeps instead of a token (src/auth/service-tokens.ts), in SQL. */
const digestOf = (column: string) =>
  `to_jsonb('sha256:' || encode(sha256(convert_to(${column} #>> '{}', 'UTF8')), 'hex'))`;

/** A JSON string that is a token in clear: not empty, masked or already a digest. */
const inClear = (column: string) =>
  `(jsonb_typeof(${column}) = 'string' AND ${column} #>> '{}' NOT IN ('', '***MASKED***')
     AND ${column} #>> '{}' !~ '^sha256:[0-9a-f]{64}$')`;

const hashed = (column: string) =>
  `${column} = CASE WHEN ${inClear(column)} THEN ${digestOf(column)} ELSE ${column} END`;

/**
 * The metrics scraper token was kept in clear in system_settings (the operator's value
 * and the environment's default). Only its SHA-256 digest is kept from now on; this
 * replaces the clear values already stored, and any in the audit trail.
 */
export class HashMetricsToken1796551610228 implements MigrationInterface {
  name = 'HashMetricsToken1796551610228';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "system_settings" SET ${hashed('"value"')}, ${hashed('"default_value"')}
       WHERE "key" = 'metrics.token'`,
    );
    await queryRunner.query(
      `UPDATE "system_setting_changes" SET ${hashed('"old_value"')}, ${hashed('"new_value"')}
       WHERE "setting_key" = 'metrics.token'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A digest cannot be turned back into the token: the operator's value is cleared, so
    // the previous release uses METRICS_TOKEN until the token is set again.
    await queryRunner.query(
      `UPDATE "system_settings" SET "value" = NULL
       WHERE "key" = 'metrics.token' AND "value" #>> '{}' ~ '^sha256:[0-9a-f]{64}$'`,
    );
  }
}
