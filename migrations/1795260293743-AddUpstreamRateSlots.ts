import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each upstream domain may next be called, shared by every instance. */
export class AddUpstreamRateSlots1795260293743 implements MigrationInterface {
  name = 'AddUpstreamRateSlots1795260293743';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "upstream_rate_slots" ("domain" text NOT NULL, "next_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_21e604fdf0892f0451a8607baff" PRIMARY KEY ("domain"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "upstream_rate_slots"`);
  }
}
