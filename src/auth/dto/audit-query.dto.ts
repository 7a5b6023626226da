import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, Max, Min } from 'class-validator';
import { AUDIT_ACTIONS, AuditAction } from '../entities/audit-event.entity';
import { Omittable } from '../../common/validation';

export class AuditQueryDto {
  @Omittable()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @Omittable()
  @IsISO8601({ strict: true })
  from?: string;

  @Omittable()
  @IsISO8601({ strict: true })
  to?: string;

  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
