import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/**
 * What a new password must be, wherever one is set (a new user, an admin's change of a user's
 * password, ADMIN_PASSWORD): 8 to 256 characters, not all of them white space. Eight spaces were
 * taken before. Leading and trailing spaces are kept, not trimmed or refused: a password is
 * compared as typed at login, a passphrase may hold spaces, and trimming at save only would lock
 * its owner out.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
/** Some character that is not white space (Unicode's, as `\s` reads it: no-break spaces too). */
const NOT_ONLY_WHITE_SPACE = /\S/;
const BLANK_MESSAGE = 'must not be blank or only white space';

/** Why `value` cannot be a password (the name of the field first), or null. */
export function passwordProblem(value: string, name = 'password'): string | null {
  if (value.length < PASSWORD_MIN_LENGTH) {
    return `${name} must be at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (value.length > PASSWORD_MAX_LENGTH) {
    return `${name} must be at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  if (!NOT_ONLY_WHITE_SPACE.test(value)) return `${name} ${BLANK_MESSAGE}`;
  return null;
}

/** A DTO's new password, checked by the rules of `passwordProblem`. */
export function IsPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: String,
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      pattern: NOT_ONLY_WHITE_SPACE.source,
      description: 'At least one character that is not white space; kept as typed (not trimmed).',
    }),
    IsString(),
    MinLength(PASSWORD_MIN_LENGTH),
    MaxLength(PASSWORD_MAX_LENGTH),
    Matches(NOT_ONLY_WHITE_SPACE, { message: `$property ${BLANK_MESSAGE}` }),
  );
}
