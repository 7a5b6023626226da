import {
  createParamDecorator,
  ExecutionContext,
  Injectable,
  PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
import {
  arrayMaxSize,
  isArray,
  isIn,
  isInt,
  isString,
  isUUID,
  matches,
  max,
  maxLength,
  min,
  minLength,
} from 'class-validator';
import type { Request } from 'express';
import { isIsoInstant } from '../../common/local-time';
import { isPlainText } from '../../common/text';
import { validationPipe } from '../../common/validation';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import { PLAYOUT_OUTCOMES } from '../entities/playout-record.entity';
import {
  MAX_BATCH_RECORDS,
  MAX_PLAYED_MS,
  MAX_REASON_LENGTH,
  MAX_RECORD_TOPICS,
  MAX_TITLE_LENGTH,
  POSTED_SOURCES,
  PostPlayoutBatchDto,
  PostPlayoutRecordDto,
} from './playout-record.dto';

/**
 * The constraints of each `PostPlayoutRecordDto` property, checked with the functions of
 * class-validator that its decorators run (playout-batch.body.spec.ts holds the two together).
 */
export const RECORD_CHECKS: Record<keyof PostPlayoutRecordDto, (value: unknown) => boolean> = {
  outcome: (value) => isIn(value, PLAYOUT_OUTCOMES),
  scheduleItemId: (value) => isUUID(value, 'all'),
  bulletinId: (value) => isUUID(value, 'all'),
  title: (value) =>
    isString(value) &&
    isPlainText(value) &&
    minLength(value, 1) &&
    maxLength(value, MAX_TITLE_LENGTH),
  topics: (value) =>
    isArray(value) &&
    arrayMaxSize(value, MAX_RECORD_TOPICS) &&
    value.every((code) => isString(code) && matches(code, TOPIC_CODE_PATTERN)),
  startedAt: isIsoInstant,
  endedAt: isIsoInstant,
  playedMs: (value) => isInt(value) && min(value, 0) && max(value, MAX_PLAYED_MS),
  source: (value) => isIn(value, POSTED_SOURCES),
  correctsSeq: (value) => isInt(value) && min(value, 1),
  reason: (value) =>
    isString(value) &&
    isPlainText(value, true) &&
    minLength(value, 1) &&
    maxLength(value, MAX_REASON_LENGTH),
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}

/**
 * True only when the ValidationPipe would take the record as it is: an object of known
 * properties, `outcome` present, each present one meeting all its constraints. A null, a
 * missing `outcome` or anything else doubtful answers false (the pipe then decides).
 */
export function isPlainlyValidRecord(value: unknown): value is PostPlayoutRecordDto {
  if (!isPlainObject(value) || !('outcome' in value)) return false;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(RECORD_CHECKS, key)) return false;
    if (!RECORD_CHECKS[key as keyof PostPlayoutRecordDto](value[key])) return false;
  }
  return true;
}

export function isPlainlyValidBatch(value: unknown): value is PostPlayoutBatchDto {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'records') return false;
  const records = value.records;
  return (
    Array.isArray(records) &&
    records.length >= 1 &&
    records.length <= MAX_BATCH_RECORDS &&
    records.every(isPlainlyValidRecord)
  );
}

/**
 * A body validated as the global ValidationPipe validates `metatype`, without its cost when
 * `plainlyValid` takes it: class-validator spends ~16 µs per record on its generic machinery
 * (a tenth of the time of a whole batch, bench/reports.bench.ts; ~0.15 ms of each single post,
 * bench/posts.bench.ts), where the same constraint functions take well under 1 µs.
 * Any other body goes through the ValidationPipe itself, for its exact answer and messages.
 */
abstract class PlainlyValidPipe<T> implements PipeTransform<unknown, Promise<T>> {
  private readonly pipe: ValidationPipe = validationPipe();

  protected constructor(
    private readonly plainlyValid: (value: unknown) => value is T,
    private readonly metatype: new () => T,
  ) {}

  async transform(value: unknown): Promise<T> {
    if (this.plainlyValid(value)) return value;
    return (await this.pipe.transform(value, { type: 'body', metatype: this.metatype })) as T;
  }
}

/** The body of a batch of as-run records, as a `PostPlayoutBatchDto`. */
@Injectable()
export class PlayoutBatchPipe extends PlainlyValidPipe<PostPlayoutBatchDto> {
  constructor() {
    super(isPlainlyValidBatch, PostPlayoutBatchDto);
  }
}

/** The body of one as-run record, as a `PostPlayoutRecordDto`. */
@Injectable()
export class PlayoutRecordPipe extends PlainlyValidPipe<PostPlayoutRecordDto> {
  constructor() {
    super(isPlainlyValidRecord, PostPlayoutRecordDto);
  }
}

/** The request body; a custom parameter, which the global ValidationPipe leaves alone. */
const RequestBody = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<Request>().body,
);

/** `@Body()` for a `PostPlayoutBatchDto`, through `PlayoutBatchPipe`. */
export const PlayoutBatchBody = (): ParameterDecorator => RequestBody(PlayoutBatchPipe);

/** `@Body()` for a `PostPlayoutRecordDto`, through `PlayoutRecordPipe`. */
export const PlayoutRecordBody = (): ParameterDecorator => RequestBody(PlayoutRecordPipe);
