import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

import pino, { type DestinationStream } from 'pino';
import type { Options } from 'pino-http';

import { currentContext } from '../common/request-context.js';
import type { AppConfig } from '../config/index.js';
import { logRouter } from './log-routing.js';
import { redactField, redactString, safeUrl } from './redaction.js';

/**
 * pino's `logMethod` hook, run before a record is built: a request line no destination
 * keeps stops here; message strings (and format arguments) are masked by shape too, e.g.
 * an error message interpolated into a log line.
 */
function redactMessageArguments(
  this: unknown,
  args: unknown[],
  method: (...args: unknown[]) => void,
  level: number,
): void {
  // A request line no destination keeps costs nothing (building it was most of its cost).
  if (!logRouter.wants(level, args[0])) {
    return;
  }
  for (let i = 0; i < args.length; i++) {
    if (typeof args[i] === 'string') {
      args[i] = redactString(args[i] as string);
    }
  }
  // An error logged without a message lends pino its own message: pass it masked.
  const [first] = args;
  if (args.length === 1 && first !== null && typeof first === 'object') {
    const err = first instanceof Error ? first : (first as { err?: unknown }).err;
    if (err instanceof Error && !('msg' in first)) {
      args.push(redactString(err.message));
    }
  }
  method.apply(this, args);
}

let stampMs = -1;
let stamp = '';

/**
 * pino's ISO time field, formatted once per millisecond: under load many lines share a
 * millisecond, and formatting the date was a visible part of each request line.
 */
export function isoTimestamp(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

/** Above this many milliseconds a request is logged as slow (settings may change it). */
export function slowRequestMs(fallback: AppConfig): number {
  return logRouter.activeSlowRequestMs ?? fallback.log.slowRequestMs;
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** JSON lines to stdout, or pino-pretty (a worker thread) in development when installed. */
export function createConsoleDestination(config: AppConfig): DestinationStream {
  if (config.log.pretty && prettyAvailable()) {
    return pino.transport({
      target: 'pino-pretty',
      options: {
        colorize: true,
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        // Errors are logged under `err`; pino-pretty's default also takes `error`, which run
        // and source records carry as a status field, and printed it as a stray `error: null`
        // line under them.
        errorLikeObjectKeys: ['err'],
      },
    });
  }
  return pino.destination({ dest: 1, sync: false, minLength: 0 });
}

/** pino-http options: request ids, one completion line per request, deep redaction. */
/**
 * The request-shaped part of the pino-http options: how a request gets its id and what
 * its completion line says. The HTTP edge defines it (`requestLogging` in
 * src/http/completion-line.ts), because it writes the same line for requests answered
 * before routing; the composition root hands it over.
 */
export type RequestLogging = Pick<
  Options,
  | 'genReqId'
  | 'customAttributeKeys'
  | 'customLogLevel'
  | 'customSuccessMessage'
  | 'customSuccessObject'
  | 'customErrorObject'
  | 'customErrorMessage'
>;

export function buildPinoHttpOptions(config: AppConfig, requests: RequestLogging): Options {
  return {
    level: config.log.level,
    base: { service: 'kidney-genetics-db', pid: process.pid },
    // Pipeline work (no request) carries its run id on every line.
    mixin: () => {
      const ctx = currentContext();
      return ctx?.runId && !ctx.requestId ? { run_id: ctx.runId } : {};
    },
    timestamp: isoTimestamp,
    // Every line logged while handling a request carries only its id, not the whole request.
    quietReqLogger: true,
    // Request ids and the completion line's level, message and fields (the HTTP edge's).
    ...requests,
    // Serializers get the raw objects; pino's wrapped error serializer would re-type
    // the already redacted error records as "Object".
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { ip?: string; originalUrl?: string }) => ({
        method: req.method,
        url: safeUrl(req.originalUrl ?? req.url),
        ip: req.ip ?? req.socket?.remoteAddress,
        user_agent: req.headers?.['user-agent'],
      }),
      res: (res: ServerResponse) => ({ status_code: res.statusCode }),
      // redactDeep has already turned errors into {type, message, stack, ...}.
      err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e),
    },
    // No pino `redact` paths: the req/res serializers above keep only named safe fields
    // (never headers), and every other field passes through redactDeep in `log` below:
    // sensitive names, secret-shaped strings, and database errors' statement parameters.
    hooks: { logMethod: redactMessageArguments },
    formatters: {
      level: (label) => ({ level: label }),
      // req/res are raw Node objects here; their serializers keep only safe fields, so
      // walking them (sockets, parsers, buffers) would cost time and protect nothing.
      log: (record: Record<string, unknown>) => {
        const out: Record<string, unknown> = {};
        const seen = new WeakSet<object>();
        for (const key of Object.keys(record)) {
          if (key === 'req' || key === 'res') {
            continue;
          }
          out[key] = redactField(key, record[key], 1, seen);
        }
        if (record.req !== undefined) {
          out.req = record.req;
        }
        if (record.res !== undefined) {
          out.res = record.res;
        }
        return out;
      },
    },
  };
}
