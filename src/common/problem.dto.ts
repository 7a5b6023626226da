import { ApiProperty } from '@nestjs/swagger';
import { ERROR_STATUS } from './error-codes';

/**
 * Every 4xx and 5xx answer of the API, as the one exception filter writes it (`toProblem` in
 * problem.filter.ts): the documented form of `Problem`. A domain error may add fields of its own
 * beside these (the conflicting item, the nearest free slot, `retryAfterSeconds`).
 */
export class ProblemDto {
  @ApiProperty({ example: 409 })
  statusCode!: number;

  @ApiProperty({ description: 'The HTTP reason phrase', example: 'Conflict' })
  error!: string;

  @ApiProperty({
    description: 'What went wrong, in English; a list for a body that failed validation',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  message!: string | string[];

  @ApiProperty({
    description: 'What the web app translates (web/src/errors-vi.ts)',
    enum: Object.keys(ERROR_STATUS),
    enumName: 'ErrorCode',
  })
  code!: string;
}
