import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { REDACTED, requestLogOptions, serializeRequest } from './request-log';

/** A server logging with the API's pino-http options into `lines`; `seen` gets each request. */
async function loggingServer(
  lines: Record<string, unknown>[],
  seen: (request: IncomingMessage) => void,
  level = 'info',
  arriving: (request: IncomingMessage) => void = () => undefined,
): Promise<{ server: Server; origin: string }> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const log = pinoHttp({ ...requestLogOptions(level), logger: pino({ level }, stream) });
  const server = createServer((request, response) => {
    arriving(request);
    log(request, response);
    seen(request);
    response.end('ok');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('request log', () => {
  it('writes a request without its token and cookie, and leaves the request as it came', async () => {
    const lines: Record<string, unknown>[] = [];
    const requests: IncomingMessage[] = [];
    const { server, origin } = await loggingServer(lines, (request) => requests.push(request));
    try {
      const response = await fetch(`${origin}/api/v1/communes/12345/playout-log`, {
        headers: {
          Authorization: 'Bearer secret-token',
          Cookie: 'session=secret-cookie',
          'X-Request-Id': 'req-1',
        },
      });
      await response.text();
      await new Promise((done) => setImmediate(done));
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }

    const completed = lines.find((line) => line.msg === 'request completed');
    const request = completed?.req as { id: string; url: string; headers: Record<string, string> };
    expect(completed?.reqId).toBe('req-1');
    expect(completed?.res).toMatchObject({ statusCode: 200 });
    expect(request.id).toBe('req-1');
    expect(request.url).toBe('/api/v1/communes/12345/playout-log');
    expect(request.headers.authorization).toBe(REDACTED);
    expect(request.headers.cookie).toBe(REDACTED);
    expect(request.headers['x-request-id']).toBe('req-1');
    expect(JSON.stringify(lines)).not.toMatch(/secret-token|secret-cookie/);
    expect(requests[0].headers.authorization).toBe('Bearer secret-token');
    expect(requests[0].headers.cookie).toBe('session=secret-cookie');
  });

  it('binds the request loggers to the request id, not to the whole request', async () => {
    const lines: Record<string, unknown>[] = [];
    const loggers: { bindings(): Record<string, unknown> }[] = [];
    const { server, origin } = await loggingServer(lines, (request) => {
      loggers.push((request as IncomingMessage & { log: (typeof loggers)[number] }).log);
    });
    try {
      const response = await fetch(origin, { headers: { 'X-Request-Id': 'req-2' } });
      await response.text();
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
    expect(loggers[0].bindings()).toEqual({ reqId: 'req-2' });
  });

  it('serializes a request only for a line it writes', async () => {
    // pino's request serializer reads `info` first (hapi's), and nothing else here reads it.
    const reads: number[] = [];
    const counting = (request: IncomingMessage): void => {
      const index = reads.push(0) - 1;
      Object.defineProperty(request, 'info', {
        get: () => {
          reads[index] += 1;
          return undefined;
        },
      });
    };
    for (const level of ['silent', 'info']) {
      const lines: Record<string, unknown>[] = [];
      const { server, origin } = await loggingServer(lines, () => undefined, level, counting);
      try {
        const response = await fetch(origin);
        await response.text();
        await new Promise((done) => setImmediate(done));
      } finally {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
      expect(lines.filter((line) => line.msg === 'request completed')).toHaveLength(
        level === 'info' ? 1 : 0,
      );
    }
    expect(reads).toEqual([0, 1]);
  });

  it('hides exactly the headers that pino-http redact hid, and only when they are there', () => {
    const plain = { headers: { accept: 'application/json' } };
    expect(serializeRequest(plain)).toEqual({ headers: { accept: 'application/json' } });
    const headers = { authorization: 'Bearer x', cookie: 'a=b', 'proxy-authorization': 'y' };
    expect(serializeRequest({ headers })).toEqual({
      headers: { authorization: REDACTED, cookie: REDACTED, 'proxy-authorization': 'y' },
    });
    expect(headers.authorization).toBe('Bearer x');
  });
});
