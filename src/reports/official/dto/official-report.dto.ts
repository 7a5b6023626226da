import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TOPIC_CODE_PATTERN } from '../../../topics/dto/topic.dto';
import { DateRangeQueryDto } from '../../dto/report-query.dto';
import { Omittable } from '../../../common/validation';
import { PlainText } from '../../../common/text';

/** Which report: `province` (monitors, admins) or `commune` (its own users too). */
export class OfficialScopeDto extends DateRangeQueryDto {
  @ApiProperty({ example: 'cds-2025' })
  @IsString()
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign!: string;

  @ApiPropertyOptional({ example: '38', description: 'A province report (two digits).' })
  @Omittable()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;

  @ApiPropertyOptional({ example: '14797', description: "A commune's own report (five digits)." })
  @Omittable()
  @Matches(/^\d{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;
}

/** A report by scope (campaign and province or commune), or a draft's. */
export class OfficialReportQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ example: 'cds-2025', description: 'Required without `draft`.' })
  @Omittable()
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign?: string;

  @ApiPropertyOptional({ example: '38' })
  @Omittable()
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province?: string;

  @ApiPropertyOptional({ example: '14797' })
  @Omittable()
  @Matches(/^\d{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;

  @ApiPropertyOptional({ description: 'Render this draft (its scope, range and words).' })
  @Omittable()
  @IsUUID()
  draft?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Sign it (PAdES B-B).' })
  @Omittable()
  @IsIn(['true', 'false'])
  signed?: 'true' | 'false';
}

const LINE = 300;
const PARAGRAPH = 4000;

/** The words an author may change; never a number. */
export class OfficialTextDto {
  @Omittable() @IsString() @PlainText() @MaxLength(LINE) parentBody?: string;
  @Omittable() @IsString() @PlainText() @MaxLength(LINE) issuingBody?: string;
  @Omittable() @IsString() @PlainText() @MaxLength(100) documentNumber?: string;
  @Omittable() @IsString() @PlainText() @MaxLength(100) place?: string;
  @Omittable() @IsString() @PlainText({ multiline: true }) @MaxLength(1000) subject?: string;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @PlainText({ multiline: true, each: true })
  @MaxLength(PARAGRAPH, { each: true })
  paragraphs?: string[];

  @Omittable()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @PlainText({ each: true })
  @MaxLength(LINE, { each: true })
  recipients?: string[];

  @Omittable() @IsString() @PlainText() @MaxLength(100) signerAuthority?: string;
  @Omittable() @IsString() @PlainText() @MaxLength(100) signerTitle?: string;
  @Omittable() @IsString() @PlainText() @MaxLength(100) signerName?: string;
}

export class CreateOfficialDraftDto extends OfficialScopeDto {
  @ApiPropertyOptional({ type: OfficialTextDto })
  @Omittable()
  @ValidateNested()
  @Type(() => OfficialTextDto)
  text?: OfficialTextDto;
}
