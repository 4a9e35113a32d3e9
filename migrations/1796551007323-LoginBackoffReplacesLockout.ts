import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-account lockout (users.failed_login_attempts / locked_until) gives way to a back-off
 * keyed by the login name, so anyone could no longer lock an account, and a known and an
 * unknown name behave alike.
 */
export class LoginBackoffReplacesLockout1796551007323 implements MigrationInterface {
  name = 'LoginBackoffReplacesLockout1796551007323';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "login_throttle" ("login_key" character(64) NOT NULL, "failures" integer NOT NULL, "last_failure_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_login_throttle" PRIMARY KEY ("login_key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_login_throttle_last_failure_at" ON "login_throttle" ("last_failure_at") `,
    );
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "failed_login_attempts"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "locked_until"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD "failed_login_attempts" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_login_throttle_last_failure_at"`);
    await queryRunner.query(`DROP TABLE "login_throttle"`);
  }
}
