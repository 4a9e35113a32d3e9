import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { Logger } from 'pino';

import { errorEnvelope } from '../common/filters/error-envelope.js';
import { uuidV7 } from '../common/ids/uuid-v7.js';
import { COMPLETION_KEYS, completionMessage } from './completion-line.js';
import { REQUEST_ID_HEADER } from './request-id.js';

interface ClientError extends Error {
  code?: string;
  /** The bytes the parser was reading when it failed (Node sets it on parser errors). */
  rawPacket?: Buffer;
}

interface Answer {
  status: number;
  code: string;
  message: string;
}

export interface ClientErrorParts {
  /** Largest request line plus headers, in bytes (the server's `maxHeaderSize`). */
  maxHeaderBytes: number;
  /** The headers every response carries (helmet's), as name/value pairs. */
  securityHeaders: readonly (readonly [string, string])[];
  logger: () => Logger;
}

function answerFor(error: ClientError, maxHeaderBytes: number): Answer | undefined {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message: `The request line and headers are larger than ${maxHeaderBytes} bytes`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'REQUEST_TIMEOUT',
        message: 'The request took too long to arrive',
      };
    case 'ECONNRESET':
      return undefined;
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'The HTTP request is malformed' };
  }
}

/** Method and path of the request line, when the failed packet starts with one. */
function requestLine(packet: Buffer | undefined): { method?: string; path?: string } {
  const head = packet?.toString('latin1', 0, 300) ?? '';
  const match = /^([A-Z]{1,16}) (\/[^?\s]{0,200})/.exec(head);
  return match ? { method: match[1], path: match[2] } : {};
}

/**
 * Answers requests Node's HTTP parser refuses before any listener sees them (request
 * line and headers over `maxHeaderBytes`, malformed requests, request timeouts) in the
 * one error envelope, with a request id and the security headers, and leaves one log
 * line for each. Without this listener Node writes a bare status line.
 */
export function answerClientErrors(server: Server, parts: ClientErrorParts): void {
  // Node reads it for each new connection; it is otherwise only a createServer option.
  (server as Server & { maxHeaderSize?: number }).maxHeaderSize = parts.maxHeaderBytes;
  // The parser keeps failing on data that follows; one answer per connection.
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    if (answered.has(socket)) {
      return;
    }
    answered.add(socket);
    const answer = answerFor(error, parts.maxHeaderBytes);
    // Never write into a response already under way on this connection (as Node checks).
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!answer || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const requestId = uuidV7();
    const body = JSON.stringify(errorEnvelope(answer, requestId));
    const head = [
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `${REQUEST_ID_HEADER}: ${requestId}`,
      ...parts.securityHeaders.map(([name, value]) => `${name}: ${value}`),
      'Connection: close',
    ];
    // End rather than destroy: the client may still be sending, and a reset could
    // discard the answer before it reads it. The timer bounds a client that never closes.
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 5_000).unref();
    log(parts.logger(), error, answer, requestId, socket);
  });
}

function log(
  logger: Logger,
  error: ClientError,
  answer: Answer,
  requestId: string,
  socket: Duplex,
): void {
  if (!logger.isLevelEnabled('info')) {
    return;
  }
  const { method, path } = requestLine(error.rawPacket);
  const ip = (socket as { remoteAddress?: string }).remoteAddress;
  logger.info(
    {
      [COMPLETION_KEYS.reqId]: requestId,
      req: { method, url: path, ip, headers: {} },
      res: { statusCode: answer.status },
      [COMPLETION_KEYS.responseTime]: 0,
      err_code: error.code,
    },
    completionMessage(method ?? '-', path ?? '-', answer.status, 0, Infinity),
  );
}
