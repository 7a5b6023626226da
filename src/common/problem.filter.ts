import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from './domain-error';

export interface Problem {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
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
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return REASON[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** Converts anything thrown into `{statusCode, error, message, code?}`. */
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
    const code = typeof body === 'object' ? (body as { code?: string }).code : undefined;
    return { statusCode: status, error: reasonPhrase(status), message, ...(code ? { code } : {}) };
  }
  const httpLike = exception as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = Number(httpLike?.status ?? httpLike?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    // body-parser and multer errors carry a status of their own.
    const message =
      httpLike.type === 'entity.parse.failed'
        ? 'Malformed JSON in request body'
        : (exception as Error).message;
    return { statusCode: status, error: reasonPhrase(status), message };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: reasonPhrase(500),
    message: 'Internal server error',
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
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(problem.statusCode).json(problem);
  }
}
