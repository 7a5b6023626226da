import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import {
  OPERATOR_COMMAND_TYPES,
  OperatorCommandType,
  MAX_ZONES_PER_DEVICE,
  POWER_STATES,
  PowerState,
  ZONE_LIST_MESSAGE,
  ZONE_MESSAGE,
  ZONE_PATTERN,
} from '../protocol';
import { NOT_BLANK, PlainText, Trimmed } from '../../common/text';
import { Omittable, Nullable, QueryBoolean } from '../../common/validation';

export class DeviceLocationDto {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon!: number;

  @Omittable()
  @IsString()
  @PlainText()
  @MaxLength(200)
  note?: string;
}

export class CreateDeviceDto {
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(100)
  name!: string;

  @Omittable()
  @IsArray({ message: ZONE_LIST_MESSAGE })
  @ArrayMaxSize(MAX_ZONES_PER_DEVICE)
  @Matches(ZONE_PATTERN, { each: true, message: ZONE_MESSAGE })
  zones?: string[];

  @Omittable()
  @ValidateNested()
  @Type(() => DeviceLocationDto)
  location?: DeviceLocationDto;
}

export class UpdateDeviceDto {
  @Omittable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(100)
  name?: string;

  @Omittable()
  @IsArray({ message: ZONE_LIST_MESSAGE })
  @ArrayMaxSize(MAX_ZONES_PER_DEVICE)
  @Matches(ZONE_PATTERN, { each: true, message: ZONE_MESSAGE })
  zones?: string[];

  /** `null` removes the location. */
  @Nullable()
  @ValidateNested()
  @Type(() => DeviceLocationDto)
  location?: DeviceLocationDto | null;
}

/** `PATCH` (zones) and `DELETE …/devices/:id`: what to do with the items no cluster would serve. */
export class DeviceZoneItemsQueryDto {
  /**
   * Cancel the future items the change would leave with no cluster in any of their zones, instead
   * of the 409 `DEVICE_ZONE_HAS_ITEMS` that names them.
   */
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  dropItems?: boolean;
}

export const DEVICE_VIEW_STATUSES = ['online', 'offline', 'never-seen'] as const;
export type DeviceViewStatus = (typeof DEVICE_VIEW_STATUSES)[number];

export class DeviceListQueryDto {
  @Omittable()
  @IsIn(DEVICE_VIEW_STATUSES)
  status?: DeviceViewStatus;
}

export class EnrolDto {
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  code!: string;

  /** Checked in full by the protocol module (base64 of a 32-byte Ed25519 key). */
  @IsString()
  @MaxLength(64)
  publicKey!: string;
}

/**
 * An emergency is not sent to one box by hand: without the emergency's checks, record and `endsAt`
 * a box would play any item, unlogged, whenever it next connected. The answer says where to go.
 */
function commandTypeMessage({ value }: ValidationArguments): string {
  const allowed = `type must be one of ${OPERATOR_COMMAND_TYPES.join(', ')}`;
  if (value !== 'play-emergency') return allowed;
  return (
    'type play-emergency is not sent by hand: start the emergency with POST ' +
    '/api/v1/communes/:commune/schedule/emergency {bulletinId, zones?}; a cluster that missed it ' +
    `gets it again when it reconnects while it is on air (${allowed})`
  );
}

export class DeviceCommandDto {
  @IsIn(OPERATOR_COMMAND_TYPES, { message: commandTypeMessage })
  type!: OperatorCommandType;

  @Omittable()
  @IsInt()
  @Min(0)
  @Max(100)
  volume?: number;

  @Omittable()
  @IsIn(POWER_STATES)
  power?: PowerState;
}
