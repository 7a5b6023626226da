import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NOT_BLANK, PlainText, Trimmed } from '../../common/text';
import { Omittable, Nullable, QueryBoolean } from '../../common/validation';

export const LOCAL_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = { message: '$property must be a date YYYY-MM-DD' };
const TIME_MESSAGE = { message: 'startTime must be a local time HH:mm' };

export class CreateWindowDto {
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(100)
  name!: string;

  /** ISO weekdays, Monday = 1 … Sunday = 7. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  daysOfWeek!: number[];

  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, TIME_MESSAGE)
  startTime!: string;

  @IsInt()
  @Min(1)
  @Max(24 * 60)
  durationMinutes!: number;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  validFrom?: string;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  validTo?: string;
}

export class UpdateWindowDto {
  @Omittable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(100)
  name?: string;

  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  daysOfWeek?: number[];

  @Omittable()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, TIME_MESSAGE)
  startTime?: string;

  @Omittable()
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  durationMinutes?: number;

  /** null removes the limit. */
  @Nullable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  validFrom?: string | null;

  @Nullable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  validTo?: string | null;
}

export class DropItemsQueryDto {
  /** Take the future items the change leaves outside every window off the log. */
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  dropItems?: boolean;

  /**
   * Move the future items the change leaves outside into the changed window's new time, on the
   * same day, where they fit (those that do not are dropped with `dropItems`, refused otherwise).
   */
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  moveItems?: boolean;

  /** Answer what the change would do (items moved, dropped, or the refusal) and write nothing. */
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  dryRun?: boolean;
}
