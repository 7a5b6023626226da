import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  isUUID,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { PlainText } from '../../common/text';
import { Omittable } from '../../common/validation';

export const REVIEW_DECISIONS = ['approve', 'send-back'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Bulletin id → the revision the approver heard and read. */
export type ReviewedRevisions = Record<string, number>;

const REVISIONS_MESSAGE =
  '$property must map each bulletin id of bulletinIds to the revision reviewed (an integer from 1), e.g. {"<bulletinId>": 2}';

function isRevisionMap(value: unknown, args?: ValidationArguments): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const named = new Set((args?.object as Partial<ReviewBulletinsDto> | undefined)?.bulletinIds);
  return Object.entries(value).every(
    ([id, revision]) =>
      isUUID(id) && named.has(id) && Number.isInteger(revision) && (revision as number) >= 1,
  );
}

/** Each key one of the bulletins named, each value a revision. */
function IsRevisionMap(): PropertyDecorator {
  return ValidateBy({
    name: 'isRevisionMap',
    validator: { validate: isRevisionMap, defaultMessage: () => REVISIONS_MESSAGE },
  });
}

/**
 * The revisions as an object of its own keys only: class-transformer would copy a `__proto__`
 * key into the prototype, where a lookup of an id would find it though no key names it.
 */
function ownEntries({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  const value = obj[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : value;
}

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

  /**
   * The revision of each bulletin as the reviewer heard and read it (`revision` of the bulletin
   * they were shown). Required for every bulletin to approve; optional to send back, checked when
   * given. A bulletin edited since answers 409 `BULLETIN_CHANGED` and nothing changes.
   */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    example: { '3f0c9a52-6d1e-4b8e-9a55-2f1d7c0b9e11': 2 },
  })
  @Omittable()
  @Transform(ownEntries)
  @IsRevisionMap()
  revisions?: ReviewedRevisions;

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

/** The optional body of the single-bulletin approval. */
export class ApproveBulletinDto {
  /**
   * The revision the approver heard and read. When given, a bulletin edited since answers 409
   * `BULLETIN_CHANGED` and stays as it is; left out, the current revision is approved.
   */
  @Omittable()
  @IsInt()
  @Min(1)
  revision?: number;
}
