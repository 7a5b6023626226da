import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import { NOT_BLANK, PlainText, Trimmed } from '../../common/text';
import { Omittable, Nullable } from '../../common/validation';

export class CampaignRuleDto {
  @Matches(TOPIC_CODE_PATTERN, { message: 'topic must be a topic code' })
  topic!: string;

  @Omittable()
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  minSecondsPerWeek?: number;

  @Omittable()
  @IsInt()
  @Min(1)
  @Max(10000)
  minPlaysPerWeek?: number;
}

const DATE_MESSAGE = { message: '$property must be a date YYYY-MM-DD' };

export class CreateCampaignDto {
  @Matches(TOPIC_CODE_PATTERN, {
    message: 'code must be lower-case words joined by "-", e.g. cds-2025',
  })
  @MaxLength(40)
  code!: string;

  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name!: string;

  @Omittable()
  @IsString()
  @PlainText({ multiline: true })
  @MaxLength(4000)
  description?: string;

  /**
   * The province whose communes the campaign judges. A monitor's campaigns are their province's
   * (this may be left out); an admin leaves it out (or null) for a national campaign.
   */
  @Nullable()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be a province code of two digits' })
  provinceCode?: string | null;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE_MESSAGE)
  startsOn!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE_MESSAGE)
  endsOn!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CampaignRuleDto)
  rules!: CampaignRuleDto[];

  @Omittable()
  @IsInt()
  @Min(0)
  @Max(24 * 3600)
  minDailySeconds?: number;
}

export class UpdateCampaignDto {
  @Omittable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name?: string;

  @Omittable()
  @IsString()
  @PlainText({ multiline: true })
  @MaxLength(4000)
  description?: string;

  @Omittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE_MESSAGE)
  startsOn?: string;

  @Omittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, DATE_MESSAGE)
  endsOn?: string;

  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CampaignRuleDto)
  rules?: CampaignRuleDto[];

  @Omittable()
  @IsInt()
  @Min(0)
  @Max(24 * 3600)
  minDailySeconds?: number;
}
