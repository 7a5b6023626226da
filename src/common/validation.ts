import { applyDecorators, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDefined, ValidateIf } from 'class-validator';
import { DomainError } from './domain-error';

const NULLABLE = Symbol('nullable');

/**
 * A field that may be left out, but not sent as null: left out, it keeps its current value (or
 * takes its default) and none of its checks run; null is refused, since the service has no null
 * to take for it. class-validator's own `@IsOptional()` lets null through as well, past every
 * other check: `{"topics": null}` reached the bulletin's edit as a changed set of topics.
 */
export function Omittable(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object, value) => value !== undefined),
    IsDefined({ message: '$property may be left out, but not null' }),
  );
}

/** Query strings carry text: "true" and "false" become booleans, anything else fails validation. */
export function QueryBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );
}

/**
 * A field whose null means "none" (a text cleared, a limit removed): left out or null, none of
 * its checks run. Only where the service takes null for it.
 */
export function Nullable(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object, value) => value !== null && value !== undefined),
    (target: object, key: string | symbol) => Reflect.defineMetadata(NULLABLE, true, target, key),
  );
}

/**
 * A field that may be left out, and whose null is taken as left out: for fields the API itself
 * answers null (an as-run record's `scheduleItemId`, `bulletinId`, `title`, `correctsSeq`,
 * `reason`), so that a record read back and posted again, or a tool that writes every absent
 * value as null, is taken as before. The service never sees the null.
 */
export function NullAsAbsent(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === null ? undefined : value)),
    Nullable(),
  );
}

/** Whether `@Nullable()` or `@NullAsAbsent()` lets null through for this property of a class's prototype. */
export function isNullable(prototype: object, property: string): boolean {
  return Reflect.getMetadata(NULLABLE, prototype, property) === true;
}

/**
 * class-validator's checks of a value's kind. A value of the wrong kind fails the others too, and
 * their messages mislead (`zones: "thon-1"` "must contain no more than 32 elements"): only the
 * kind's message is said then.
 */
const KIND_CHECKS = ['isArray', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isObject'];

/**
 * The messages of one property's failed checks: a missing value is required (said once, by the
 * check's own message when one says "required", else plainly); a null that may not be null says
 * so once; any other value gets each distinct message of its checks.
 */
function ownMessages(error: ValidationError): string[] {
  const constraints = error.constraints ?? {};
  const messages = [...new Set(Object.values(constraints))];
  if (messages.length === 0 || 'whitelistValidation' in constraints) return messages;
  const missing = error.value === undefined && (error.children ?? []).length === 0;
  if (missing) return firstSaying(messages, 'required') ?? [`${error.property} is required`];
  if (error.value === null)
    return firstSaying(messages, 'null') ?? [`${error.property} must not be null`];
  const kind = KIND_CHECKS.filter((check) => check in constraints);
  return kind.length > 0 ? [...new Set(kind.map((check) => constraints[check]))] : messages;
}

function firstSaying(messages: string[], word: string): string[] | undefined {
  const saying = messages.find((message) => new RegExp(`\\b${word}\\b`).test(message));
  return saying === undefined ? undefined : [saying];
}

/**
 * Each message of a failed check, named by the property's full path (`quietHours.from …`,
 * `records.0.endedAt …`). class-validator names only the property itself (`$property`), so the
 * parents' path goes in front, unless the message already begins with the whole path.
 */
export function validationMessages(error: ValidationError, parentPath?: string): string[] {
  const path = parentPath === undefined ? error.property : `${parentPath}.${error.property}`;
  const own = ownMessages(error).map((message) =>
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
