import type { Pool } from 'pg';

/**
 * One statement per batch: the pino JSON lines travel as a single JSON array parameter
 * and PostgreSQL maps them to columns, so the event loop never parses a log line. The
 * `ip` column is the request's (completion lines) or a service line's own `ip` field.
 */
const INSERT_BATCH = `
INSERT INTO system_logs (timestamp, level, logger, message, request_id, user_id, run_id, ip,
  user_agent, method, path, status_code, duration_ms, error_type, error_message, stack, context)
SELECT
  coalesce((r->>'time')::timestamptz, now()),
  CASE WHEN r->>'level' IN ('fatal','error','warn','info','debug','trace') THEN r->>'level' ELSE 'info' END,
  coalesce(left(r->>'context', 200), CASE WHEN r ? 'req' AND r ? 'res' THEN 'http' END),
  coalesce(r->>'msg', ''),
  left(r->>'request_id', 200),
  CASE WHEN jsonb_typeof(r->'user_id') = 'number' THEN (r->>'user_id')::numeric::int END,
  left(r->>'run_id', 200),
  left(coalesce(r#>>'{req,ip}', r->>'ip'), 100),
  left(r#>>'{req,user_agent}', 1000),
  left(r#>>'{req,method}', 20),
  left(split_part(r#>>'{req,url}', '?', 1), 2000),
  CASE WHEN jsonb_typeof(r#>'{res,status_code}') = 'number' THEN (r#>>'{res,status_code}')::numeric::int END,
  CASE WHEN jsonb_typeof(r->'duration_ms') = 'number' THEN (r->>'duration_ms')::double precision END,
  left(r#>>'{err,type}', 200),
  left(r#>>'{err,message}', 10000),
  left(r#>>'{err,stack}', 20000),
  r - '{time,level,msg,context,request_id,user_id,run_id,ip,req,res,duration_ms,err,pid,hostname,service}'::text[]
FROM jsonb_array_elements($1::jsonb) AS r`;

/**
 * Writes pino JSON lines (each already one JSON object) to `system_logs`. The writer's
 * own pool, not the app's DataSource: log writes never compete with requests.
 */
export async function insertSystemLogBatch(pool: Pool, lines: readonly string[]): Promise<void> {
  await pool.query(INSERT_BATCH, [`[${lines.join(',')}]`]);
}
