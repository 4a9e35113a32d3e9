import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { pinoHttp } from 'pino-http';

import { LogCapture } from '../../test/support/log-capture.js';
import { loadConfig } from '../config/index.js';
import { buildPinoHttpOptions, slowRequestMs } from '../logging/logging.module.js';
import {
  COMPLETION_KEYS,
  completionLevel,
  requestLogging,
  writeCompletionLine,
} from './completion-line.js';
import { requestIdMiddleware } from './request-id.js';

const ROUTE = '/api/genes/:symbol';

/**
 * One request, logged twice: by pino-http with the app's options (the routed path) and
 * by writeCompletionLine (the edge), from the same logger. Returns both records.
 */
async function bothLines(
  path: string,
  status: number,
): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  const capture = new LogCapture();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug', LOG_DB_LEVEL: 'silent' });
  const logger = pinoHttp(buildPinoHttpOptions(config, requestLogging(config)), capture);
  const server: Server = createServer((req, res) => {
    requestIdMiddleware(req, res, () => {
      logger(req, res);
      (req as IncomingMessage & { route?: unknown }).route = { path: ROUTE };
      res.once('finish', () => {
        const edgeRequest = {
          id: req.id,
          method: req.method,
          url: req.url,
          originalUrl: req.url,
          ip: req.socket.remoteAddress,
          headers: req.headers,
          route: { path: ROUTE },
        };
        writeCompletionLine(logger.logger, edgeRequest, status, 0, slowRequestMs(config));
      });
      res.statusCode = status;
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          headers: { 'user-agent': 'parity/1', 'x-request-id': 'p1' },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
  const records = capture.records();
  expect(records).toHaveLength(2);
  return [records[0], records[1]];
}

/**
 * The line's fields without what legitimately differs between two lines a moment apart.
 * (Field order may differ: pino-http binds the request id and request to a child logger,
 * which puts them first; the edge saves creating one.)
 */
function comparable(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key !== 'time' && key !== COMPLETION_KEYS.responseTime)
      .map(([key, value]) => [
        key,
        key === 'msg' ? String(value).replace(/ \d+ms/, ' Nms') : value,
      ]),
  );
}

describe('the completion line', () => {
  it.each([
    ['an ordinary request', '/api/genes/PKD1', 200, 'info'],
    ['a conditional GET answered 304', '/api/genes/PKD1?x=1', 304, 'info'],
    ['a health probe', '/health/live', 200, 'debug'],
    ['a URL carrying a secret', '/api/genes?token=abcdef', 200, 'info'],
  ])(
    'is written the same by pino-http and the edge for %s',
    async (_label, path, status, level) => {
      const [routed, edge] = await bothLines(path, status);
      // Same fields with the same values.
      expect(comparable(edge)).toEqual(comparable(routed));
      expect(routed).toMatchObject({
        level,
        request_id: 'p1',
        route: ROUTE,
        res: { status_code: status },
        req: { method: 'GET', user_agent: 'parity/1' },
      });
      expect(typeof edge[COMPLETION_KEYS.responseTime]).toBe('number');
      expect(JSON.stringify(edge)).not.toContain('abcdef');
    },
  );

  it('is a warning for a 503 (an announced outage or refusal), an error for other 5xx', () => {
    const req = { method: 'GET', url: '/api/genes', headers: {} };
    expect(completionLevel(req, 503, 5, 1000)).toBe('warn');
    expect(completionLevel({ ...req, url: '/health/ready' }, 503, 5, 1000)).toBe('warn');
    expect(completionLevel(req, 500, 5, 1000)).toBe('error');
    expect(completionLevel(req, 502, 5, 1000)).toBe('error');
  });
});
