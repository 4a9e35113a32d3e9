import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SystemSettings1795260272697 implements MigrationInterface {
  name = 'SystemSettings1795260272697';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "system_settings" ("key" text NOT NULL, "value" jsonb, "value_type" text NOT NULL, "category" text NOT NULL, "description" text NOT NULL, "default_value" jsonb, "requires_restart" boolean NOT NULL DEFAULT false, "sensitive" boolean NOT NULL DEFAULT false, "read_only" boolean NOT NULL DEFAULT false, "validation" jsonb NOT NULL DEFAULT '{}', "updated_by_id" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b1b5bc664526d375c94ce9ad43d" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "system_setting_changes" ("id" BIGSERIAL NOT NULL, "setting_key" text NOT NULL, "old_value" jsonb, "new_value" jsonb, "changed_by_id" integer, "changed_by" text NOT NULL, "reason" text, "ip_address" text, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_62369737b3fedff4188c835d3bd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_system_setting_changes_key_at" ON "system_setting_changes"  ("setting_key", "changed_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "system_setting_changes" ADD CONSTRAINT "fk_system_setting_changes_setting" FOREIGN KEY ("setting_key") REFERENCES "system_settings"("key") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "system_setting_changes" DROP CONSTRAINT "fk_system_setting_changes_setting"`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_system_setting_changes_key_at"`);
    await queryRunner.query(`DROP TABLE "system_setting_changes"`);
    await queryRunner.query(`DROP TABLE "system_settings"`);
  }
}
