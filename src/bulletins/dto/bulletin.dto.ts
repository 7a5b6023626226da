import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import {
  BULLETIN_PRIORITIES,
  BULLETIN_STATUSES,
  BulletinPriority,
  BulletinStatus,
} from '../entities/bulletin.entity';
import { NOT_BLANK, PlainText, Trimmed } from '../../common/text';
import { Omittable, Nullable, QueryBoolean } from '../../common/validation';

const TOPIC_MESSAGE = { each: true, message: 'each topic must be a topic code' };

export class CreateBulletinDto {
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  title!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(TOPIC_CODE_PATTERN, TOPIC_MESSAGE)
  topics!: string[];

  @IsUUID()
  audioId!: string;

  @Omittable()
  @IsString()
  @PlainText({ multiline: true })
  @MaxLength(20000)
  body?: string;

  @Omittable()
  @IsIn(BULLETIN_PRIORITIES)
  priority?: BulletinPriority;
}

export class UpdateBulletinDto {
  @Omittable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  title?: string;

  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(TOPIC_CODE_PATTERN, TOPIC_MESSAGE)
  topics?: string[];

  @Omittable()
  @IsUUID()
  audioId?: string;

  /** null clears the text. */
  @Nullable()
  @IsString()
  @PlainText({ multiline: true })
  @MaxLength(20000)
  body?: string | null;

  @Omittable()
  @IsIn(BULLETIN_PRIORITIES)
  priority?: BulletinPriority;
}

export class ListBulletinsQueryDto {
  @Omittable()
  @IsIn(BULLETIN_STATUSES)
  status?: BulletinStatus;

  @Omittable()
  @Matches(TOPIC_CODE_PATTERN, { message: 'topic must be a topic code' })
  topic?: string;

  /** Also list the province library, which the commune may schedule too. */
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  includeLibrary?: boolean;
}

export class DryRunQueryDto {
  /** Answer what the edit would do (back to draft, items cancelled) and write nothing. */
  @Omittable()
  @QueryBoolean()
  @IsBoolean()
  dryRun?: boolean;
}
