import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsInt,
  Max,
  Min,
  ValidateIf,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  MAX_ZONES_PER_DEVICE,
  ZONE_LIST_MESSAGE,
  ZONE_MESSAGE,
  ZONE_PATTERN,
} from '../../fleet/protocol/identity';
import { ProvinceCommunesProperty } from '../../geo/communes-property';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import { SCHEDULE_ITEM_STATUSES, ScheduleItemStatus } from '../entities/schedule-item.entity';
import { LOCAL_DATE_PATTERN } from './window.dto';
import { Omittable, Nullable } from '../../common/validation';
import { PlainText } from '../../common/text';

const DATE_MESSAGE = { message: '$property must be a date YYYY-MM-DD' };
/** An instant must say its offset: `2025-10-06T05:30:00+07:00` or `…Z`. */
const INSTANT_WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;
const INSTANT_MESSAGE = {
  message: 'startsAt must be an ISO 8601 instant with an offset, e.g. 2025-10-06T05:30:00+07:00',
};

/**
 * The zones an item goes to (`thon-1`), each holding a device of the commune; absent or null:
 * every device of the commune. A zone code is the devices' (the fleet protocol's ZONE_PATTERN).
 */
export function ZonesProperty(): PropertyDecorator {
  return (target, key) => {
    Nullable()(target, key);
    IsArray({ message: ZONE_LIST_MESSAGE })(target, key);
    ArrayMinSize(1, { message: 'zones must name at least one zone (omit it for every device)' })(
      target,
      key,
    );
    ArrayMaxSize(MAX_ZONES_PER_DEVICE)(target, key);
    Matches(ZONE_PATTERN, { each: true, message: ZONE_MESSAGE })(target, key);
  };
}

/** The longest relay one item may hold (a window is at most a day). */
export const MAX_RELAY_SECONDS = 6 * 3600;

/** A bulletin (`bulletinId`), or a relay (`sourceId`, `durationSeconds`, optional `topics`). */
export class CreateScheduleItemDto {
  @ValidateIf((dto: CreateScheduleItemDto) => dto.sourceId === undefined)
  @IsUUID(undefined, { message: 'bulletinId must be a UUID (or give sourceId for a relay)' })
  bulletinId?: string;

  @Omittable()
  @IsUUID()
  sourceId?: string;

  @ValidateIf(
    (dto: CreateScheduleItemDto) => dto.sourceId !== undefined || dto.durationSeconds !== undefined,
  )
  @IsDefined({ message: 'durationSeconds is required for a relay (sourceId)' })
  @IsInt({ message: 'durationSeconds must be a whole number of seconds' })
  @Min(10)
  @Max(MAX_RELAY_SECONDS)
  durationSeconds?: number;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TOPIC_CODE_PATTERN, { each: true, message: 'topics must be topic codes' })
  topics?: string[];

  @IsISO8601({ strict: true }, INSTANT_MESSAGE)
  @Matches(INSTANT_WITH_OFFSET, INSTANT_MESSAGE)
  startsAt!: string;

  @ZonesProperty()
  zones?: string[] | null;
}

export class MoveScheduleItemDto {
  @IsISO8601({ strict: true }, INSTANT_MESSAGE)
  @Matches(INSTANT_WITH_OFFSET, INSTANT_MESSAGE)
  startsAt!: string;
}

export class FreeSlotsQueryDto {
  /** How many days ahead, today included (7 by default). */
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(31)
  days?: number;
}

export class BulletinSlotsQueryDto extends FreeSlotsQueryDto {
  /** The approved bulletin a new item would play. */
  @IsUUID()
  bulletinId!: string;
}

export class CancelScheduleItemDto {
  @Omittable()
  @IsString()
  @PlainText()
  @MaxLength(200)
  reason?: string;
}

export class EmergencyDto {
  @IsUUID()
  bulletinId!: string;

  /** The zones whose devices play it; left out: every device of the commune. */
  @Omittable()
  @IsArray({ message: ZONE_LIST_MESSAGE })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ZONES_PER_DEVICE)
  @Matches(ZONE_PATTERN, { each: true, message: ZONE_MESSAGE })
  zones?: string[];
}

export class ScheduleRangeQueryDto {
  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  from?: string;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  to?: string;

  @Omittable()
  @IsIn(SCHEDULE_ITEM_STATUSES)
  status?: ScheduleItemStatus;
}

/** What a plan covers: the campaign, the local dates (both included), and whether to write. */
class PlanRangeDto {
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign!: string;

  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  from!: string;

  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  to!: string;

  @Omittable()
  @IsBoolean()
  dryRun?: boolean;
}

export class PlanDto extends PlanRangeDto {
  @ZonesProperty()
  zones?: string[] | null;
}

/** `POST /provinces/:province/schedule/plan`: every device of each commune. */
export class ProvincePlanDto extends PlanRangeDto {
  /** The communes (of the province) to plan; left out: every commune of the province. */
  @ProvinceCommunesProperty()
  communes?: string[];
}

export class GapsQueryDto {
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign!: string;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  from?: string;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  to?: string;
}

export class CalendarQueryDto {
  /** The commune's secret calendar token, instead of a bearer token. */
  @Omittable()
  @IsString()
  @MaxLength(200)
  token?: string;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  from?: string;

  @Omittable()
  @Matches(LOCAL_DATE_PATTERN, DATE_MESSAGE)
  to?: string;
}
