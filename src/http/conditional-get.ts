import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Application } from 'express';
import fresh from 'fresh';

/**
 * JSON answers with ETag and conditional GET, for answers written outside Express (the
 * pre-routing edge). The ETag comes from the app's own `etag fn` setting, the function
 * Express's `res.send` calls for routed answers, and freshness from `fresh`, which its
 * `req.fresh` uses: one ETag implementation for both paths, and the same 304 rule.
 */

/** The body bytes and ETag of a JSON answer. */
export interface JsonAnswer {
  body: Buffer;
  etag: string | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The bytes and ETag Express's `res.json` would send for `json` (already stringified). */
export function jsonAnswer(json: string, app: Application): JsonAnswer {
  const body = Buffer.from(json, 'utf8');
  const etagFn = app.get('etag fn') as ((b: Buffer) => string) | undefined;
  return { body, etag: typeof etagFn === 'function' ? etagFn(body) : undefined };
}

/**
 * True when the app's JSON output is Express's default (no replacer, spaces or
 * escaping), so `JSON.stringify` gives the bytes `res.json` would send.
 */
export function plainJsonOutput(app: Application): boolean {
  return (
    app.get('json replacer') === undefined &&
    app.get('json spaces') === undefined &&
    !app.get('json escape')
  );
}

/**
 * Writes `answer` after `headers` (name/value pairs already due), as `res.send` does: a
 * fresh conditional GET gets a 304 without body or body headers. Returns the status.
 */
export function writeJsonAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  { body, etag }: JsonAnswer,
  headers: string[],
): number {
  const notModified = etag !== undefined && fresh(req.headers, { etag });
  if (!notModified) {
    headers.push('Content-Type', JSON_TYPE, 'Content-Length', String(body.length));
  }
  if (etag) {
    headers.push('ETag', etag);
  }
  const status = notModified ? 304 : 200;
  res.writeHead(status, headers);
  res.end(notModified ? undefined : body);
  return status;
}
