import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import {
  PLAYOUT_OUTCOMES,
  PLAYOUT_SOURCES,
  PlayoutOutcome,
  PlayoutSource,
} from '../../playout/entities/playout-record.entity';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import { Omittable } from '../../common/validation';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `people` (default): Vietnamese headers, names, minutes, Đạt/Chưa đạt; `raw`: the JSON's fields. */
export const REPORT_COLUMNS = ['people', 'raw'] as const;
export type ReportColumns = (typeof REPORT_COLUMNS)[number];

export const AS_RUN_FORMATS = ['json', 'csv'] as const;
export type AsRunFormat = (typeof AS_RUN_FORMATS)[number];

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = { message: '$property must be a date YYYY-MM-DD' };

/** A range of local days; both ends default to the campaign's window. */
export class DateRangeQueryDto {
  @ApiPropertyOptional({ description: 'First local day (Asia/Ho_Chi_Minh), inclusive.' })
  @Omittable()
  @Matches(DATE_PATTERN, DATE_MESSAGE)
  from?: string;

  @ApiPropertyOptional({ description: 'Last local day, inclusive.' })
  @Omittable()
  @Matches(DATE_PATTERN, DATE_MESSAGE)
  to?: string;
}

export class CommuneReportQueryDto extends DateRangeQueryDto {
  @ApiProperty({ example: 'cds-2025' })
  @IsString()
  @Matches(TOPIC_CODE_PATTERN, { message: 'campaign must be a campaign code' })
  campaign!: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @Omittable()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({
    enum: REPORT_COLUMNS,
    default: 'people',
    description:
      'CSV and XLSX only. people: Vietnamese headers, topic names, minutes (one decimal; a decimal comma in CSV), Đạt/Chưa đạt, codes kept as text. raw: the JSON field names and values (seconds, true/false, topic codes).',
  })
  @Omittable()
  @IsIn(REPORT_COLUMNS)
  columns?: ReportColumns;
}

export class ProvinceReportQueryDto extends CommuneReportQueryDto {
  @ApiProperty({ example: '38', description: 'Two-digit province code.' })
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province!: string;
}

/** A range of local days that must be given. */
export class RequiredRangeQueryDto {
  @ApiProperty({ description: 'First local day (Asia/Ho_Chi_Minh), inclusive.' })
  @Matches(DATE_PATTERN, DATE_MESSAGE)
  from!: string;

  @ApiProperty({ description: 'Last local day, inclusive.' })
  @Matches(DATE_PATTERN, DATE_MESSAGE)
  to!: string;
}

/** The longest page of records one answer holds. */
export const MAX_RECORDS_PAGE = 500;

/**
 * The largest offset a records query takes: far beyond any commune's records over the longest
 * range (366 days), and an exact integer, where 99999999999999999999 would be echoed as 1e20.
 */
export const MAX_RECORDS_OFFSET = 1_000_000;

export class RecordsQueryDto extends RequiredRangeQueryDto {
  @ApiPropertyOptional({ description: 'Only records tagged with this topic.' })
  @Omittable()
  @Matches(TOPIC_CODE_PATTERN, { message: 'topic must be a topic code' })
  topic?: string;

  @ApiPropertyOptional({
    description: 'Only records counted on this local day (within the range).',
  })
  @Omittable()
  @Matches(DATE_PATTERN, DATE_MESSAGE)
  date?: string;

  @ApiPropertyOptional({ enum: PLAYOUT_OUTCOMES, description: 'Only records with this outcome.' })
  @Omittable()
  @IsIn(PLAYOUT_OUTCOMES)
  outcome?: PlayoutOutcome;

  @ApiPropertyOptional({ enum: PLAYOUT_SOURCES, description: 'Only records from this source.' })
  @Omittable()
  @IsIn(PLAYOUT_SOURCES)
  source?: PlayoutSource;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_RECORDS_PAGE,
    description: 'Records per page (seq order); without it, every matching record.',
  })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RECORDS_PAGE)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_RECORDS_OFFSET,
    default: 0,
    description: 'Matching records to skip.',
  })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_RECORDS_OFFSET)
  offset?: number;
}

export class AsRunExportQueryDto extends RequiredRangeQueryDto {
  @ApiPropertyOptional({ enum: AS_RUN_FORMATS, default: 'json' })
  @Omittable()
  @IsIn(AS_RUN_FORMATS)
  format?: AsRunFormat;
}

export class RebuildQueryDto {
  @ApiPropertyOptional({ description: 'Only this commune (5 digits); default: every commune.' })
  @Omittable()
  @Matches(/^\d{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;
}

export class ProvinceQueryDto {
  @ApiProperty({ example: '38', description: 'Two-digit province code.' })
  @Matches(/^\d{2}$/, { message: 'province must be a 2-digit province code' })
  province!: string;
}
