import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?state=all` (or `?include=cleared`): the open alerts and those cleared in the last `days`. */
export class AlertListQueryDto {
  @IsOptional()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';

  @IsOptional()
  @IsIn(['cleared'])
  include?: 'cleared';

  /** How far back cleared alerts go (history), in days; default 7. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}
