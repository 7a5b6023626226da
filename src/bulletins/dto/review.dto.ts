import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PlainText } from '../../common/text';

export const REVIEW_DECISIONS = ['approve', 'send-back'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** One decision for several bulletins: all of them change, or none. */
export class ReviewBulletinsDto {
  @IsIn(REVIEW_DECISIONS)
  decision!: ReviewDecision;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  bulletinIds!: string[];

  /** Why they go back to the operator: required to send back. */
  @ValidateIf(
    (object: ReviewBulletinsDto) => object.decision === 'send-back' || object.reason !== undefined,
  )
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @PlainText({ multiline: true })
  @MinLength(3, { message: 'reason is required to send a bulletin back (at least 3 characters)' })
  @MaxLength(1000)
  reason?: string;
}
