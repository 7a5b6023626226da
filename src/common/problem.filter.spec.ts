import {
  BadRequestException,
  HttpException,
  NotFoundException,
  ParseUUIDPipe,
} from '@nestjs/common';
import { DomainError } from './domain-error';
import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('maps a domain error by its code, with its details', () => {
    expect(
      toProblem(new DomainError('SCHEDULE_OVERLAP', 'Overlaps item x', { conflictingItemId: 'x' })),
    ).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'Overlaps item x',
      code: 'SCHEDULE_OVERLAP',
      conflictingItemId: 'x',
    });
  });

  it('keeps HTTP exceptions and body-parser errors as 4xx, each with a code', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      code: 'ROUTE_NOT_FOUND',
    });
    expect(toProblem(new NotFoundException('Gone'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(toProblem(new BadRequestException(['a', 'b']))).toMatchObject({
      statusCode: 400,
      message: ['a', 'b'],
      code: 'VALIDATION_FAILED',
    });
    expect(
      toProblem(Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' })),
    ).toMatchObject({
      statusCode: 400,
      message: 'Malformed JSON in request body',
      code: 'MALFORMED_JSON',
    });
    expect(toProblem(Object.assign(new Error('Too big'), { status: 413 }))).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(toProblem(new HttpException('slow down', 429))).toMatchObject({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
    });
    expect(toProblem(new HttpException({ message: 'm', code: 'OWN_CODE' }, 409))).toMatchObject({
      code: 'OWN_CODE',
    });
  });

  it('gives a ParseUUIDPipe refusal a code', async () => {
    const refusal = await new ParseUUIDPipe()
      .transform('not-a-uuid', { type: 'param' })
      .catch((error: unknown) => error);
    expect(toProblem(refusal)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('hides the details of unexpected errors', () => {
    expect(toProblem(new Error('secret stack'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      code: 'INTERNAL_ERROR',
    });
  });
});
