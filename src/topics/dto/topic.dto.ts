import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NOT_BLANK, PlainText, Trimmed } from '../../common/text';
import { Omittable, Nullable } from '../../common/validation';

export const TOPIC_CODE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export class CreateTopicDto {
  @Matches(TOPIC_CODE_PATTERN, {
    message: 'code must be lower-case words joined by "-", e.g. kinh-te-so',
  })
  @MaxLength(40)
  code!: string;

  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name!: string;

  /** `null` or an empty string: no description. */
  @Nullable()
  @Trimmed()
  @IsString()
  @PlainText({ multiline: true })
  @MaxLength(2000)
  description?: string | null;
}

export class UpdateTopicDto {
  @Omittable()
  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name?: string;

  /** `null` or an empty string clears it. */
  @Nullable()
  @Trimmed()
  @IsString()
  @PlainText({ multiline: true })
  @MaxLength(2000)
  description?: string | null;
}
