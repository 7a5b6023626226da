import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './domain-error';

/**
 * class-validator's checks of a value's kind. A value of the wrong kind fails the others too, and
 * their messages mislead (`zones: "thon-1"` "must contain no more than 32 elements"): only the
 * kind's message is said then.
 */
const KIND_CHECKS = ['isArray', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isObject'];

/** The messages of a property's own failed checks: its kind's alone when that failed. */
function ownMessages(constraints: Record<string, string>): string[] {
  const kind = KIND_CHECKS.filter((check) => check in constraints);
  return kind.length > 0 ? kind.map((check) => constraints[check]) : Object.values(constraints);
}

/**
 * Each message of a failed check, named by the property's full path (`quietHours.from …`,
 * `records.0.endedAt …`). class-validator names only the property itself (`$property`), so the
 * parents' path goes in front, unless the message already begins with the whole path.
 */
export function validationMessages(error: ValidationError, parentPath?: string): string[] {
  const path = parentPath === undefined ? error.property : `${parentPath}.${error.property}`;
  const own = ownMessages(error.constraints ?? {}).map((message) =>
    parentPath === undefined || message.startsWith(`${path} `)
      ? message
      : `${parentPath}.${message}`,
  );
  const nested = (error.children ?? []).flatMap((child) => validationMessages(child, path));
  return [...own, ...nested];
}

/** The validation every request body, query and parameter goes through. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new DomainError(
        'VALIDATION_FAILED',
        errors.flatMap((error) => validationMessages(error)).join('; '),
      ),
  });
}
