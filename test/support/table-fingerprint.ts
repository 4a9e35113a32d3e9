import type { TestDb } from './test-db.js';

/** Tables whose rows a restore brings back (the catalogue, logs and cache stay out). */
const NOT_RESTORED = [
  'backups',
  'backup_restores',
  'system_logs',
  'cache_entries',
  'cache_generations',
];

/** One digest per table (and the score view) of the app's schema: "the data as they are". */
export async function fingerprint(db: TestDb): Promise<Record<string, string>> {
  const tables = await db.rows<{ name: string }>(
    `SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm') ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables.filter((t) => !NOT_RESTORED.includes(t.name))) {
    const [row] = await db.rows<{ d: string | null; n: number }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS d, count(*)::int AS n FROM "${name}" t`,
    );
    out[name] = `${row?.n}:${row?.d ?? ''}`;
  }
  return out;
}
