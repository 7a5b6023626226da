import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { stdSerializers } from 'pino';
import type { Options } from 'pino-http';

/**
 * How a request is written in the request log (pino-http's `req`): as pino's standard
 * serializer writes it, with the values of the headers that carry credentials replaced by
 * `[Redacted]`, as pino's `redact` option did. Done here rather than with `redact`: its
 * compiled paths (fast-redact) copied and restored the logged object at every request,
 * a few percent of the CPU of a single as-run post (BENCHMARKS.md, Single as-run posts).
 */

/** Headers whose values never reach the log: a user's token, a session's cookie. */
export const SECRET_REQUEST_HEADERS = ['authorization', 'cookie'] as const;

/** What stands in for a secret header's value (pino's `redact` default). */
export const REDACTED = '[Redacted]';

/** The part of pino's serialized request this serializer touches. */
export interface LoggedRequest {
  headers: Record<string, unknown>;
}

/**
 * Takes a request serialized by pino's standard serializer (a fresh object whose `headers` is the
 * request's own), and gives it a copy of the headers without the secrets' values, leaving the
 * request itself untouched.
 */
export function serializeRequest<T extends LoggedRequest>(request: T): T {
  const headers = request.headers;
  if (!headers || !SECRET_REQUEST_HEADERS.some((name) => headers[name] !== undefined)) {
    return request;
  }
  const shown: Record<string, unknown> = { ...headers };
  for (const name of SECRET_REQUEST_HEADERS) {
    if (shown[name] !== undefined) shown[name] = REDACTED;
  }
  request.headers = shown;
  return request;
}

/** The request's `X-Request-Id` when it is a sane one, a new id otherwise. */
function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
}

/** A request as the log writes it: pino's standard form, without the secret headers' values. */
function loggedRequest(request: IncomingMessage): ReturnType<typeof stdSerializers.req> {
  return serializeRequest(stdSerializers.req(request));
}

/** A request a line carries: the `req` serializer writes it, when and if the line is written. */
class RequestInLine {
  constructor(readonly request: IncomingMessage) {}
}

/**
 * The log's `req` serializer. A request itself is left out: pino-http binds every request to a
 * child logger it makes at once, and pino serializes a child's bindings when it is made, so the
 * request was serialized at every request, even at a level that writes nothing (in an Express
 * app, 60 → 47 µs a request for the middleware). The lines that carry the request give it as a
 * `RequestInLine`.
 */
function requestField(value: unknown): unknown {
  if (value instanceof RequestInLine) return loggedRequest(value.request);
  return value instanceof IncomingMessage ? undefined : value;
}

/**
 * pino-http's options for the API: request ids, the request serializer, health left out.
 * The loggers of a request (`req.log`, what Nest's logger writes with during the request) are
 * bound to its id only, and the request is written into its "request completed" or
 * "request errored" line, serialized when that line is written and only then.
 */
export function requestLogOptions(level: string): Options {
  return {
    level,
    genReqId: (request, response) => {
      const id = requestId(request);
      response.setHeader('x-request-id', id);
      return id;
    },
    // pino's standard serializers, and the request's as above (pino-http would wrap them all).
    wrapSerializers: false,
    serializers: { req: requestField, res: stdSerializers.res, err: stdSerializers.err },
    quietReqLogger: true,
    quietResLogger: true,
    customSuccessObject: (request, _response, fields: Record<string, unknown>) => ({
      req: new RequestInLine(request),
      ...fields,
    }),
    customErrorObject: (request, _response, _error, fields: Record<string, unknown>) => ({
      req: new RequestInLine(request),
      ...fields,
    }),
    autoLogging: { ignore: (request) => request.url === '/api/v1/health' },
  };
}
