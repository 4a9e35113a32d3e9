/**
 * The environment a child process (pg_dump, pg_restore) runs with: this process's, plus
 * `extra` (e.g. PGPASSWORD, which must never travel in argv). The only place outside
 * config loading that reads process.env.
 */
export function childProcessEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
