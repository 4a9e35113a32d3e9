import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/index.js';
import { requestIdFor } from '../common/middleware/request-id.middleware.js';
import { REDACTED, isSensitiveKey, redactDeep } from './redaction.js';

/** Query parameters such as `?token=` are masked before a URL is logged. */
export function safeUrl(rawUrl: string | undefined): string {
  const url = rawUrl ?? '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (isSensitiveKey(key)) params.set(key, REDACTED);
  const query = params.toString();
  return query ? `${url.slice(0, q)}?${query}` : url.slice(0, q);
}

function isHealthProbe(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/health');
}

function levelFor(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  if (isHealthProbe(req)) return 'debug';
  return 'info';
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
export function createLogDestination(config: AppConfig): DestinationStream {
  if (config.log.pretty && prettyAvailable()) {
    return pino.transport({
      target: 'pino-pretty',
      options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
    });
  }
  return pino.destination({ dest: 1, sync: false, minLength: 0 });
}

/** pino-http options: request ids, one completion line per request, deep redaction. */
export function buildPinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.log.level,
    base: { service: 'kidney-genetics-db', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    genReqId: (req) => req.id ?? requestIdFor(req),
    // Every line logged while handling a request carries only its id, not the whole request.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'request_id', responseTime: 'duration_ms' },
    customLogLevel: levelFor,
    customSuccessMessage: (req, res, ms) =>
      `${req.method} ${safeUrl(req.url)} ${res.statusCode} ${Math.round(ms)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${safeUrl(req.url)} ${res.statusCode} failed`,
    serializers: {
      req: (req: IncomingMessage & { raw?: IncomingMessage; remoteAddress?: string }) => ({
        method: req.method,
        url: safeUrl(req.url),
        ip: req.remoteAddress,
        user_agent: (req.raw ?? req).headers?.['user-agent'],
      }),
      res: (res: { statusCode: number | null; raw?: ServerResponse }) => ({
        status_code: res.raw?.statusCode ?? res.statusCode,
      }),
      err: pino.stdSerializers.err,
    },
    // Headers are never serialised; the paths are a second line of defence.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
  };
}
