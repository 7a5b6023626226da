import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { RequiredRangeQueryDto } from '../dto/report-query.dto';
import { DISCREPANCY_CODES, DiscrepancyCode } from './reconciliation';
import { Omittable } from '../../common/validation';

export const RECONCILIATION_FORMATS = ['json', 'csv', 'xlsx', 'bxf'] as const;
export type ReconciliationFormat = (typeof RECONCILIATION_FORMATS)[number];

export const MAX_PAGE_SIZE = 500;

/** The last page a query may ask for: pages × their size stay exact integers (see MAX_RECORDS_OFFSET). */
export const MAX_PAGE = 1_000_000;

export class ReconciliationQueryDto extends RequiredRangeQueryDto {
  @ApiPropertyOptional({
    enum: RECONCILIATION_FORMATS,
    default: 'json',
    description: 'csv and xlsx: every line, Vietnamese headers; bxf: SMPTE BXF as-run XML',
  })
  @Omittable()
  @IsIn(RECONCILIATION_FORMATS)
  format?: ReconciliationFormat;

  @ApiPropertyOptional({ enum: DISCREPANCY_CODES, description: 'Only lines of this code.' })
  @Omittable()
  @IsIn(DISCREPANCY_CODES)
  code?: DiscrepancyCode;

  @ApiPropertyOptional({
    default: 1,
    maximum: MAX_PAGE,
    description: 'JSON: the page of lines, from 1.',
  })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: 50, maximum: MAX_PAGE_SIZE })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
