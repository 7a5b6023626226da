import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommuneScope, DeviceRoute } from '../../auth/access.decorators';
import { DomainError } from '../../common/domain-error';
import { JsonBodyLimit } from '../../common/json-body';
import { DeviceGuard, DeviceRequest } from '../../fleet/device.guard';
import {
  MAX_RECEIPTS_PER_UPLOAD,
  ReceiptIntake,
  ReceiptUploadResult,
} from './receipt-intake.service';
import { RejectedReceiptsQueryDto } from '../dto/rejected-receipts.dto';
import { RejectedReceiptListView } from './receipt.view';
import { REJECTED_RECEIPTS_LIMIT, ReceiptsLog, ReceiptView } from './receipts-log.service';

/** A receipt is about 500 bytes of JSON: the largest upload with room to spare. */
const RECEIPTS_BODY_LIMIT_BYTES = MAX_RECEIPTS_PER_UPLOAD * 800;

/** Devices upload their signed play receipts (docs/device-protocol.md, "Play receipts"). */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DeviceReceiptsController {
  constructor(private readonly intake: ReceiptIntake) {}

  @DeviceRoute()
  @UseGuards(DeviceGuard)
  @JsonBodyLimit(RECEIPTS_BODY_LIMIT_BYTES)
  @Post(':id/receipts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Signed play receipts of this device, oldest first (idempotent)' })
  upload(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: DeviceRequest,
  ): Promise<ReceiptUploadResult> {
    const device = request.device!;
    if (id !== device.id) {
      throw new DomainError('FORBIDDEN', 'A device uploads its own receipts only');
    }
    return this.intake.upload(device, body);
  }
}

/** The receipts behind a commune's as-run record. */
@ApiTags('playout')
@ApiBearerAuth()
@CommuneScope()
@Controller('communes/:commune/playout-log')
export class RecordReceiptsController {
  constructor(private readonly log: ReceiptsLog) {}

  @Get(':seq/receipts')
  @ApiOperation({ summary: "The devices' signed receipts a record was built from" })
  receipts(
    @Param('commune') commune: string,
    @Param('seq', ParseIntPipe) seq: number,
  ): Promise<ReceiptView[]> {
    return this.log.receiptsBehind(commune, seq);
  }
}

/** The receipts a commune's clusters sent that are kept but not counted as airtime. */
@ApiTags('devices')
@ApiBearerAuth()
@CommuneScope()
@Controller('communes/:commune/rejected-receipts')
export class RejectedReceiptsController {
  constructor(private readonly log: ReceiptsLog) {}

  @Get()
  @ApiOperation({
    summary: `Receipts kept in a cluster's chain but not counted (future, off-time, too-long, cancelled, key-ended, key-newer), newest first, at most ${REJECTED_RECEIPTS_LIMIT}`,
  })
  list(
    @Param('commune') commune: string,
    @Query() query: RejectedReceiptsQueryDto,
  ): Promise<RejectedReceiptListView[]> {
    return this.log.rejectedReceipts(commune, query.device);
  }
}
