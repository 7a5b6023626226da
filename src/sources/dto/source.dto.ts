import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { NOT_BLANK, PlainText, Trimmed } from '../../common/text';
import { Omittable, Nullable } from '../../common/validation';

/** A source names at most this many URLs (a primary and its backups). */
export const MAX_SOURCE_URLS = 5;
const URL_MAX_LENGTH = 2000;

export class CreateSourceDto {
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name!: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'urls must hold the primary stream URL, then any backups' })
  @ArrayMaxSize(MAX_SOURCE_URLS)
  @IsString({ each: true })
  @PlainText({ each: true })
  @MaxLength(URL_MAX_LENGTH, { each: true })
  urls!: string[];

  @Nullable()
  @IsUUID()
  fallbackBulletinId?: string | null;
}

export class UpdateSourceDto {
  @Omittable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name?: string;

  @Omittable()
  @IsArray()
  @ArrayMinSize(1, { message: 'urls must hold the primary stream URL, then any backups' })
  @ArrayMaxSize(MAX_SOURCE_URLS)
  @IsString({ each: true })
  @PlainText({ each: true })
  @MaxLength(URL_MAX_LENGTH, { each: true })
  urls?: string[];

  /** null removes the fallback. */
  @Nullable()
  @IsUUID()
  fallbackBulletinId?: string | null;
}
