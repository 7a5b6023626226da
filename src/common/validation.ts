import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './domain-error';

function validationMessages(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {});
  const nested = (error.children ?? []).flatMap((child) =>
    validationMessages(child).map((message) => `${error.property}.${message}`),
  );
  return [...own, ...nested];
}

/** The validation every request body, query and parameter goes through. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new DomainError('VALIDATION_FAILED', errors.flatMap(validationMessages).join('; ')),
  });
}
