import { GENE_LOOKUP } from '../../../src/genes/genes.repository.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testDb } from '../../support/test-db.js';

let db: TestDatabase;
const sql = testDb(() => db.url);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await sql.close();
  await db.drop();
});

describe('gene detail lookup', () => {
  it('probes indexes for both the symbol and the HGNC id arm, never scanning genes', async () => {
    await sql.exec('BEGIN');
    try {
      // With sequential scans priced out, any arm without an index still shows as one.
      await sql.exec('SET LOCAL enable_seqscan = off');
      const plan = (
        await sql.rows<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT g.id FROM genes g WHERE ${GENE_LOOKUP} LIMIT 1`,
          ['hgnc:1234'],
        )
      )
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      expect(plan).not.toContain('Seq Scan');
      expect(plan).toContain('ix_genes_hgnc_id_upper');
      expect(plan).toContain('uq_genes_symbol_upper');
    } finally {
      await sql.exec('ROLLBACK');
    }
  });
});
