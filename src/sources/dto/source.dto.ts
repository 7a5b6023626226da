import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { NOT_BLANK, Trimmed } from '../../common/text';

/** A source names at most this many URLs (a primary and its backups). */
export const MAX_SOURCE_URLS = 5;
const URL_MAX_LENGTH = 2000;

export class CreateSourceDto {
  @Trimmed()
  @IsString()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name!: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'urls must hold the primary stream URL, then any backups' })
  @ArrayMaxSize(MAX_SOURCE_URLS)
  @IsString({ each: true })
  @MaxLength(URL_MAX_LENGTH, { each: true })
  urls!: string[];

  @IsOptional()
  @IsUUID()
  fallbackBulletinId?: string | null;
}

export class UpdateSourceDto {
  @IsOptional()
  @Trimmed()
  @IsString()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'urls must hold the primary stream URL, then any backups' })
  @ArrayMaxSize(MAX_SOURCE_URLS)
  @IsString({ each: true })
  @MaxLength(URL_MAX_LENGTH, { each: true })
  urls?: string[];

  /** null removes the fallback. */
  @IsOptional()
  @IsUUID()
  fallbackBulletinId?: string | null;
}
