import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TOPIC_CODE_PATTERN } from '../../../topics/dto/topic.dto';
import { DateRangeQueryDto } from '../../dto/report-query.dto';

/** Which report: `province` (monitors, admins) or `commune` (its own users too). */
export class OfficialScopeDto extends DateRangeQueryDto {
  @ApiProperty({ example: 'cds-2025' })
  @IsString()
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign!: string;

  @ApiPropertyOptional({ example: '38', description: 'A province report (two digits).' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;

  @ApiPropertyOptional({ example: '14797', description: "A commune's own report (five digits)." })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;
}

/** A report by scope (campaign and province or commune), or a draft's. */
export class OfficialReportQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ example: 'cds-2025', description: 'Required without `draft`.' })
  @IsOptional()
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign?: string;

  @ApiPropertyOptional({ example: '38' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;

  @ApiPropertyOptional({ example: '14797' })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;

  @ApiPropertyOptional({ description: 'Render this draft (its scope, range and words).' })
  @IsOptional()
  @IsUUID()
  draft?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Sign it (PAdES B-B).' })
  @IsOptional()
  @IsIn(['true', 'false'])
  signed?: 'true' | 'false';
}

const LINE = 300;
const PARAGRAPH = 4000;

/** The words an author may change; never a number. */
export class OfficialTextDto {
  @IsOptional() @IsString() @MaxLength(LINE) parentBody?: string;
  @IsOptional() @IsString() @MaxLength(LINE) issuingBody?: string;
  @IsOptional() @IsString() @MaxLength(100) documentNumber?: string;
  @IsOptional() @IsString() @MaxLength(100) place?: string;
  @IsOptional() @IsString() @MaxLength(1000) subject?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(PARAGRAPH, { each: true })
  paragraphs?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(LINE, { each: true })
  recipients?: string[];

  @IsOptional() @IsString() @MaxLength(100) signerAuthority?: string;
  @IsOptional() @IsString() @MaxLength(100) signerTitle?: string;
  @IsOptional() @IsString() @MaxLength(100) signerName?: string;
}

export class CreateOfficialDraftDto extends OfficialScopeDto {
  @ApiPropertyOptional({ type: OfficialTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OfficialTextDto)
  text?: OfficialTextDto;
}
