import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Omittable } from '../../common/validation';

/** `?state=all` (or `?include=cleared`): the open alerts and those cleared in the last `days`. */
export class AlertListQueryDto {
  @Omittable()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';

  @Omittable()
  @IsIn(['cleared'])
  include?: 'cleared';

  /** How far back cleared alerts go (history), in days; default 7. */
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}
