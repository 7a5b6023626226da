import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './domain-error';

/**
 * Each message of a failed check, named by the property's full path (`quietHours.from …`,
 * `records.0.endedAt …`). class-validator names only the property itself (`$property`), so the
 * parents' path goes in front, unless the message already begins with the whole path.
 */
export function validationMessages(error: ValidationError, parentPath?: string): string[] {
  const path = parentPath === undefined ? error.property : `${parentPath}.${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) =>
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
