import { BadRequestException, NotFoundException } from '@nestjs/common';
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

  it('keeps HTTP exceptions and body-parser errors as 4xx', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
    });
    expect(toProblem(new BadRequestException(['a', 'b']))).toMatchObject({
      statusCode: 400,
      message: ['a', 'b'],
    });
    expect(
      toProblem(Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' })),
    ).toMatchObject({
      statusCode: 400,
      message: 'Malformed JSON in request body',
    });
  });

  it('hides the details of unexpected errors', () => {
    expect(toProblem(new Error('secret stack'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
  });
});
