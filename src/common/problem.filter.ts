import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-codes';

export interface Problem {
  statusCode: number;
  error: string;
  message: string | string[];
  code: string;
  [key: string]: unknown;
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export function reasonPhrase(status: number): string {
  return REASON[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** The code of an error that did not come with one (Nest's, a pipe's, multer's), by its status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  // Nest's own 400s come from its pipes (ParseUUIDPipe and the like): a parameter failed validation.
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA',
  416: 'RANGE_NOT_SATISFIABLE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

/** Nest's answer for a path no route matches ("Cannot GET /x"). */
const UNKNOWN_ROUTE = /^Cannot [A-Z]+ \//;

/** Converts anything thrown into `{statusCode, error, message, code}`: every problem has a code. */
export function toProblem(exception: unknown): Problem {
  if (exception instanceof DomainError) {
    return {
      statusCode: exception.status,
      error: reasonPhrase(exception.status),
      message: exception.message,
      code: exception.code,
      ...(exception.details ?? {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : ((body as { message?: string | string[] }).message ?? exception.message);
    const own = typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
    const code =
      typeof own === 'string'
        ? own
        : status === 404 && typeof message === 'string' && UNKNOWN_ROUTE.test(message)
          ? 'ROUTE_NOT_FOUND'
          : codeForStatus(status);
    return { statusCode: status, error: reasonPhrase(status), message, code };
  }
  const httpLike = exception as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = Number(httpLike?.status ?? httpLike?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    // body-parser and multer errors carry a status of their own.
    const message =
      httpLike.type === 'entity.parse.failed'
        ? 'Malformed JSON in request body'
        : (exception as Error).message;
    const code = httpLike.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : codeForStatus(status);
    return { statusCode: status, error: reasonPhrase(status), message, code };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: reasonPhrase(500),
    message: 'Internal server error',
    code: 'INTERNAL_ERROR',
  };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const problem = toProblem(exception);
    if (problem.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : exception,
      );
    }
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    sendProblem(http.getRequest<Request>(), response, problem);
  }
}

/** Answers a problem once the request body is out of the way (see `afterBody`). */
export function sendProblem(
  request: Request,
  response: Response,
  problem: Problem,
  headers: Record<string, string> = {},
): void {
  afterBody(request, response, () => {
    if (response.headersSent) {
      response.end();
      return;
    }
    if (typeof problem.retryAfterSeconds === 'number') {
      response.setHeader('Retry-After', String(problem.retryAfterSeconds));
    }
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.statusCode).json(problem);
  });
}

/**
 * Bodies up to this size are read and dropped before an error answer, and the connection stays
 * open for the client's next request; past it the answer goes out and the connection is closed
 * (closeAfterAnswer). The bound is above the largest JSON body a route takes (4 MB), so that a
 * refused body of any plausible size keeps its connection. Reading and dropping costs no parsing.
 */
export const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/** How long a connection closed with its request body unread goes on reading and dropping it. */
export const LINGER_MS = 2000;

/**
 * Makes the answer the connection's last, and the close one that does not lose it. Node destroys
 * the socket as soon as that answer is written; with request bytes still unread, the kernel then
 * resets the connection, and a client still sending (a browser or curl uploading) can meet the
 * reset before it has read the answer: its next write fails and the 413 or 401 is lost as a
 * network error. So the write side is shut after the answer (the client reads it, then the end
 * of the stream), what the client still sends is read and dropped, and the socket is destroyed
 * once the client has closed its side, or after LINGER_MS (a lingering close).
 */
export function closeAfterAnswer(response: Response): void {
  response.setHeader('Connection', 'close');
  const socket = response.socket;
  if (!socket) return;
  // What Node's server calls once the answer marked `Connection: close` is written.
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

/**
 * Access is decided before the body is read, so an upload can be refused while the client is still
 * sending it. Answering then and leaving the body unread makes the client see a reset (EPIPE)
 * instead of the 401/403: read and drop a small body first; past the limit, answer and close.
 */
export function afterBody(request: Request, response: Response, send: () => void): void {
  if (request.complete || request.readableEnded) {
    send();
    return;
  }
  // The handler refused the body unread and will close the connection (a declared Content-Length
  // past an upload limit): the body may never come, so answer now.
  if (String(response.getHeader('Connection')).toLowerCase() === 'close') {
    send();
    return;
  }
  let sent = false;
  let drained = 0;
  const finish = (closeConnection: boolean) => {
    if (sent) return;
    sent = true;
    request.off('data', onData);
    if (closeConnection) closeAfterAnswer(response);
    send();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) finish(true);
  };
  request.on('data', onData);
  request.once('end', () => finish(false));
  request.once('error', () => finish(true));
  request.once('close', () => finish(true));
  request.resume();
}
