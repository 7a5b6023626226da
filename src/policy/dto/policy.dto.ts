import { Type } from 'class-transformer';
import { IsBoolean, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Omittable, Nullable } from '../../common/validation';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const TIME_MESSAGE = { message: '$property must be a local time HH:mm' };

export class QuietHoursDto {
  @Matches(TIME, TIME_MESSAGE)
  from!: string;

  @Matches(TIME, TIME_MESSAGE)
  to!: string;
}

/**
 * A province's or a commune's own policy: an absent field is inherited (a province from the
 * defaults, a commune from its province). `quietHours: null` means none.
 */
export class PutPolicyDto {
  @Nullable()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @Omittable()
  @IsInt()
  @Min(1)
  @Max(1440)
  maxSessionMinutes?: number;

  @Omittable()
  @IsInt()
  @Min(1)
  @Max(1440)
  maxDailyMinutes?: number;

  @Omittable()
  @IsBoolean()
  unattendedRelaysAtNight?: boolean;
}
