import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { isIsoInstant } from '../../common/local-time';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import { PLAYOUT_OUTCOMES, PlayoutOutcome } from '../entities/playout-record.entity';
import { NullAsAbsent, Omittable } from '../../common/validation';
import { PlainText } from '../../common/text';

const INSTANT_MESSAGE =
  '$property must be an ISO 8601 instant with offset on a real calendar day, e.g. 2025-10-01T05:30:00.000+07:00';

/** An ISO 8601 instant with its offset, on a day the calendar has (see `isIsoInstant`). */
function IsIsoInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoInstant',
    validator: { validate: isIsoInstant, defaultMessage: () => INSTANT_MESSAGE },
  });
}

/** Sources a client may post; `automation` is the player's alone. */
export const POSTED_SOURCES = ['operator', 'import'] as const;
export type PostedSource = (typeof POSTED_SOURCES)[number];

export const MAX_BATCH_RECORDS = 5000;
export const MAX_TITLE_LENGTH = 300;
export const MAX_REASON_LENGTH = 1000;
export const MAX_RECORD_TOPICS = 20;
export const MAX_PLAYED_MS = 24 * 3600 * 1000;

/** A manual (operator) or imported as-run record. */
export class PostPlayoutRecordDto {
  @ApiProperty({ enum: PLAYOUT_OUTCOMES })
  @IsIn(PLAYOUT_OUTCOMES)
  outcome!: PlayoutOutcome;

  @ApiPropertyOptional({ description: 'The program-log item that aired (or was missed).' })
  @NullAsAbsent()
  @IsUUID('all')
  scheduleItemId?: string;

  @ApiPropertyOptional({ description: "Defaults to the item's bulletin." })
  @NullAsAbsent()
  @IsUUID('all')
  bulletinId?: string;

  @ApiPropertyOptional({ description: 'Required when no bulletin is named (imported programs).' })
  @NullAsAbsent()
  @IsString()
  @PlainText()
  @MinLength(1)
  @MaxLength(MAX_TITLE_LENGTH)
  title?: string;

  @ApiPropertyOptional({ type: [String], description: "Topic codes; default: the bulletin's." })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_RECORD_TOPICS)
  @Matches(TOPIC_CODE_PATTERN, { each: true, message: 'each of topics must be a topic code' })
  topics?: string[];

  @ApiPropertyOptional({ example: '2025-10-01T05:30:00.000+07:00' })
  @Omittable()
  @IsIsoInstant()
  startedAt?: string;

  @ApiPropertyOptional({ example: '2025-10-01T05:32:05.500+07:00' })
  @Omittable()
  @IsIsoInstant()
  endedAt?: string;

  @ApiPropertyOptional({ description: 'Default: endedAt − startedAt.' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(MAX_PLAYED_MS)
  playedMs?: number;

  @ApiPropertyOptional({ enum: POSTED_SOURCES, default: 'operator' })
  @Omittable()
  @IsIn(POSTED_SOURCES)
  source?: PostedSource;

  @ApiPropertyOptional({ description: 'The seq of this commune that this record corrects.' })
  @NullAsAbsent()
  @IsInt()
  @Min(1)
  correctsSeq?: number;

  @ApiPropertyOptional({ description: 'Required for failed, missed and corrections.' })
  @NullAsAbsent()
  @IsString()
  @PlainText({ multiline: true })
  @MinLength(1)
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}

export class PostPlayoutBatchDto {
  @ApiProperty({ type: [PostPlayoutRecordDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_RECORDS)
  @ValidateNested({ each: true })
  @Type(() => PostPlayoutRecordDto)
  records!: PostPlayoutRecordDto[];
}

const DATE_MESSAGE = { message: '$property must be a date YYYY-MM-DD' };

export class PlayoutLogQueryDto {
  @ApiPropertyOptional({ description: 'First local day (Asia/Ho_Chi_Minh), inclusive.' })
  @Omittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE_MESSAGE)
  from?: string;

  @ApiPropertyOptional({ description: 'Last local day, inclusive.' })
  @Omittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE_MESSAGE)
  to?: string;
}
