import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CommuneScope, CurrentUser, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { ApiOkOneOf } from '../common/api-responses';
import { DomainError } from '../common/domain-error';
import { JsonBodyLimit } from '../common/json-body';
import { prefersMinimalReturn, RETURN_MINIMAL } from '../common/prefer';
import { decodeUtf8, importRowsFromCsv } from './as-run-csv';
import {
  PlayoutLogQueryDto,
  PostPlayoutBatchDto,
  PostPlayoutRecordDto,
} from './dto/playout-record.dto';
import { PlayoutBatchBody, PlayoutRecordBody } from './dto/playout-batch.body';
import { CheckpointView } from './checkpoint.view';
import { CheckpointsService } from './checkpoints.service';
import { ChainBrokenView, ChainIntactView } from './chain-verdict.view';
import { ChainVerdict } from './hash-chain';
import { ImportResult, PlayoutLogService, sha256Hex } from './playout-log.service';
import { playoutRecordView, PlayoutRecordView } from './playout-record.view';
import { ImportResultView } from './import-result.view';
import { REFUSAL_VIEWS } from './record-refusal.view';

/** A batch of up to 5,000 as-run records is a few megabytes of JSON. */
export const BATCH_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Largest CSV accepted, raw or as a multipart `file`. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;

/** Each refusal of a record with fields beyond the problem's, and the view that documents them. */
const REFUSALS =
  'PLAYOUT_RECORD_INVALID (422): RecordRefusalView, the `rule` that refused it (RecordRule) and ' +
  'the values it names; PLAYOUT_TIME_OUT_OF_RANGE (422): TimeOutOfRangeView; ' +
  'PLAYOUT_ITEM_TIME_MISMATCH (422): ItemTimeMismatchView; TOPIC_UNKNOWN (422): UnknownTopicsView; ' +
  'PLAYOUT_OVERLAP (409): OverlapView; PLAYOUT_CORRECTS_UNKNOWN (422) and ' +
  'PLAYOUT_ALREADY_CORRECTED (409): CorrectionRefusalView; POLICY_QUIET_HOURS, ' +
  'POLICY_SESSION_TOO_LONG, POLICY_DAILY_LIMIT, POLICY_UNATTENDED_RELAY (409, an aired or ' +
  "partial record the commune's broadcast policy does not allow): PolicyRefusalView.";
/** What the operations say of a record they refuse (the problem's fields beyond its code). */
const RECORD_REFUSAL = `A refused record's problem carries the values it names as fields: ${REFUSALS}`;
const ROW_REFUSAL =
  'A refusal (422 PLAYOUT_IMPORT_INVALID) lists the bad rows in `errors`; each row carries the ' +
  `fields a single post of its record would be refused with: ${REFUSALS}`;

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Repeating a request with the same key returns the first result.',
};

const PREFER_HEADER = {
  name: 'Prefer',
  required: false,
  description:
    '`return=minimal` (RFC 7240): the answer leaves out `records` (a batch of 300 records ' +
    'answers ~180 kB with them); `Preference-Applied` says so.',
};

/**
 * An import's answer and its headers: with every record it wrote, unless the client prefers the
 * minimal return (an edge player or importer on a metered link that needs only the counts).
 */
function answerImport(
  result: ImportResult,
  prefer: string | undefined,
  response: Response,
): ImportResultView {
  const view: ImportResultView = {
    id: result.id,
    imported: result.imported,
    duplicates: result.duplicates,
    replayed: result.replayed,
  };
  response.vary('Prefer');
  if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
  if (prefersMinimalReturn(prefer)) {
    response.setHeader('Preference-Applied', RETURN_MINIMAL);
    return view;
  }
  return { ...view, records: result.records.map(playoutRecordView) };
}

async function readBody(request: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The as-run log of one commune (nhật ký phát thanh). */
@ApiTags('playout')
@ApiBearerAuth()
@CommuneScope()
@Controller('communes/:commune/playout-log')
export class PlayoutLogController {
  constructor(
    private readonly log: PlayoutLogService,
    private readonly checkpoints: CheckpointsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Records in chain order, with seq, prevHash and hash' })
  async list(
    @Param('commune') commune: string,
    @Query() query: PlayoutLogQueryDto,
  ): Promise<PlayoutRecordView[]> {
    return (await this.log.list(commune, query)).map(playoutRecordView);
  }

  @Get('verify')
  @ApiOkOneOf(
    'The verdict: intact with the count, or where it breaks',
    ChainIntactView,
    ChainBrokenView,
  )
  @ApiOperation({
    summary:
      'Recomputes the hash chain and checks it against the signed checkpoints; names the first broken seq',
  })
  verify(@Param('commune') commune: string): Promise<ChainVerdict> {
    return this.log.verify(commune);
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints of the chain head, oldest first' })
  checkpointList(@Param('commune') commune: string): Promise<CheckpointView[]> {
    return this.checkpoints.list(commune);
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Signs a checkpoint of the chain as verified now (admin)' })
  checkpointNow(
    @Param('commune') commune: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<CheckpointView> {
    return this.checkpoints.sign(commune, actor);
  }

  @Post()
  @HttpCode(201)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: PostPlayoutRecordDto })
  @ApiOperation({
    summary: 'A record confirmed by an operator, or imported',
    description: RECORD_REFUSAL,
  })
  @ApiExtraModels(...REFUSAL_VIEWS)
  async post(
    @Param('commune') commune: string,
    @PlayoutRecordBody() body: PostPlayoutRecordDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentUser() actor: AuthUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PlayoutRecordView> {
    const result = await this.log.post(commune, body, idempotencyKey, actor);
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return playoutRecordView(result.record);
  }

  @Post('batch')
  @JsonBodyLimit(BATCH_BODY_LIMIT_BYTES)
  @HttpCode(201)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(PREFER_HEADER)
  @ApiBody({ type: PostPlayoutBatchDto })
  @ApiOperation({
    summary: 'Many records in one transaction: all or nothing',
    description: ROW_REFUSAL,
  })
  async batch(
    @Param('commune') commune: string,
    @PlayoutBatchBody() body: PostPlayoutBatchDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @CurrentUser() actor: AuthUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ImportResultView> {
    const result = await this.log.importMany(
      commune,
      {
        kind: 'batch',
        rows: body.records.map((input, index) => ({ place: { index }, input })),
        bodySha256: sha256Hex(JSON.stringify(body)),
        idempotencyKey,
      },
      actor,
    );
    return answerImport(result, prefer, response);
  }

  @Post('import')
  @HttpCode(201)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(PREFER_HEADER)
  @ApiConsumes('text/csv', 'multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiOperation({
    summary: 'A CSV as-run log (UTF-8; columns in README.md): all or nothing',
    description: ROW_REFUSAL,
  })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_CSV_BYTES, files: 1 } }))
  async import(
    @Param('commune') commune: string,
    @Req() request: Request,
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @CurrentUser() actor: AuthUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ImportResultView> {
    let bytes: Buffer;
    if (file) {
      bytes = file.buffer;
    } else if (request.is(['text/csv', 'text/plain', 'application/csv'])) {
      bytes = await readBody(request, MAX_CSV_BYTES);
    } else if (request.is('multipart/form-data')) {
      throw new DomainError('VALIDATION_FAILED', 'The multipart body has no "file" part');
    } else {
      throw new DomainError(
        'UNSUPPORTED_MEDIA',
        'Send the CSV as text/csv, or as multipart/form-data with a "file" part',
      );
    }
    const text = decodeUtf8(bytes);
    if (text === null) {
      throw new DomainError('PLAYOUT_IMPORT_INVALID', 'The file is not UTF-8 text', {
        errors: [{ line: 1, code: 'CSV_ENCODING', message: 'Not UTF-8; save the file as UTF-8' }],
      });
    }
    const { rows, errors } = await importRowsFromCsv(text);
    const result = await this.log.importMany(
      commune,
      { kind: 'csv', rows, rowErrors: errors, bodySha256: sha256Hex(bytes), idempotencyKey },
      actor,
    );
    return answerImport(result, prefer, response);
  }
}

export { ImportResultView } from './import-result.view';
