import { IsBoolean, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { USER_ROLES, UserRole } from '../entities/user.entity';
import { PlainText, Trimmed } from '../../common/text';
import { IsPassword } from '../../auth/password-rule';
import { Omittable, Nullable } from '../../common/validation';

export class CreateUserDto {
  /** Lower-case letters, digits, dot, dash, underscore; 3 to 64 characters. */
  @IsString()
  @Matches(/^[a-z0-9._-]{3,64}$/, {
    message: 'username must be 3 to 64 characters: lower-case letters, digits, ".", "-", "_"',
  })
  username!: string;

  @IsPassword()
  password!: string;

  @IsIn(USER_ROLES)
  role!: UserRole;

  /** `null` or an empty string clears it. */
  @Nullable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MaxLength(120)
  displayName?: string | null;

  @Omittable()
  @Matches(/^\d{5}$/, { message: 'communeCode must be a 5-digit commune code' })
  communeCode?: string;

  @Omittable()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be a 2-digit province code' })
  provinceCode?: string;
}

export class UpdateUserDto {
  /** A new password; left out keeps the current one. */
  @Omittable()
  @IsPassword()
  password?: string;

  @Omittable()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** `null` or an empty string clears it. */
  @Nullable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MaxLength(120)
  displayName?: string | null;

  @Omittable()
  @Matches(/^\d{5}$/, { message: 'communeCode must be a 5-digit commune code' })
  communeCode?: string;

  @Omittable()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be a 2-digit province code' })
  provinceCode?: string;

  @Omittable()
  @IsBoolean()
  disabled?: boolean;
}

export class ListUsersQueryDto {
  @Omittable()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @Omittable()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;

  @Omittable()
  @Matches(/^\d{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;
}
