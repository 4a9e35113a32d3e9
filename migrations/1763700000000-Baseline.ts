import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Extensions later tables rely on: trigram indexes for symbol and text search. */
export class Baseline1763700000000 implements MigrationInterface {
  name = 'Baseline1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP EXTENSION IF EXISTS pg_trgm');
  }
}
