import { ERROR_STATUS, ErrorCode } from './error-codes';

/** A rule of the domain said no. Mapped to an HTTP problem by the one exception filter. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function notFound(code: ErrorCode, what: string, id: string): DomainError {
  return new DomainError(code, `${what} ${id} not found`, { id });
}
