import { Module } from '@nestjs/common';
import { AsRunLedger } from './as-run-ledger';
import { AutomationRecorder } from './automation-recorder';
import { CheckpointKeyController } from './checkpoint-key.controller';
import { CheckpointJournal } from './checkpoint-journal';
import { CheckpointKeys } from './checkpoint-keys';
import { CheckpointsService } from './checkpoints.service';
import { PlayoutClaims } from './playout-claims';
import { PlayoutDispatcher } from './playout-dispatcher.service';
import { PlayoutLogController } from './playout-log.controller';
import { PlayoutLogService } from './playout-log.service';
import { ReceiptIntake } from './receipts/receipt-intake.service';
import { ReceiptRecords } from './receipts/receipt-records';
import {
  DeviceReceiptsController,
  RecordReceiptsController,
  RejectedReceiptsController,
} from './receipts/receipts.controller';
import { ReceiptsLog } from './receipts/receipts-log.service';

/**
 * The as-run log (chain, reads, manual and imported records, signed checkpoints), the claims and records of the
 * player, the devices' receipts and the records built from them, and the dispatcher that follows program-log changes. The player runs in
 * `PlayoutWorkerModule`, the periodic tick in `PlayoutSchedulerModule`.
 */
@Module({
  controllers: [
    PlayoutLogController,
    CheckpointKeyController,
    DeviceReceiptsController,
    RecordReceiptsController,
    RejectedReceiptsController,
  ],
  providers: [
    AsRunLedger,
    CheckpointKeys,
    CheckpointJournal,
    CheckpointsService,
    PlayoutLogService,
    PlayoutClaims,
    AutomationRecorder,
    PlayoutDispatcher,
    ReceiptRecords,
    ReceiptIntake,
    ReceiptsLog,
    // The seam for the fleet's alerts (`raise()`): logs until the alerts module provides it.
  ],
  exports: [
    AsRunLedger,
    CheckpointsService,
    PlayoutLogService,
    PlayoutClaims,
    AutomationRecorder,
    PlayoutDispatcher,
    ReceiptRecords,
  ],
})
export class PlayoutModule {}
