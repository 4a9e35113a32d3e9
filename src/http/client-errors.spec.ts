import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

import type { Logger } from 'pino';

import { answerClientErrors } from './client-errors.js';

function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.write(request);
  });
}

describe('answerClientErrors', () => {
  let server: Server;
  let port: number;
  const lines: { fields: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    isLevelEnabled: () => true,
    info: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }),
  } as unknown as Logger;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    answerClientErrors(server, {
      maxHeaderBytes: 2048,
      securityHeaders: [['X-Content-Type-Options', 'nosniff']],
      logger: () => logger,
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (lines.length = 0));

  it('applies the configured header limit and answers 431 in the envelope', async () => {
    const small = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(small).toMatch(/^HTTP\/1.1 200/);
    const text = await rawExchange(
      port,
      `GET /x?q=${'a'.repeat(3000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/);
    expect(head).toMatch(/\r\nConnection: close$/);
    const id = /\r\nX-Request-ID: ([\w-]+)\r\n/.exec(head)?.[1];
    expect(JSON.parse(body)).toEqual({
      error: {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message: 'The request line and headers are larger than 2048 bytes',
        detail: 'The request line and headers are larger than 2048 bytes',
        request_id: id,
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0].fields).toMatchObject({
      request_id: id,
      req: { method: 'GET', url: '/x' },
      res: { statusCode: 431 },
      err_code: 'HPE_HEADER_OVERFLOW',
    });
  });

  it('answers a malformed request with 400 and logs it once', async () => {
    const text = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\nmore garbage\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(JSON.parse(text.split('\r\n\r\n')[1])).toMatchObject({
      error: { status: 400, code: 'BAD_REQUEST' },
    });
    expect(lines).toHaveLength(1);
  });
});
