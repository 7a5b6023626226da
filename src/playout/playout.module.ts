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

/**
 * The as-run log (chain, reads, manual and imported records, signed checkpoints), the claims and records of the
 * player, and the dispatcher that follows program-log changes. The player runs in
 * `PlayoutWorkerModule`, the periodic tick in `PlayoutSchedulerModule`.
 */
@Module({
  controllers: [PlayoutLogController, CheckpointKeyController],
  providers: [
    AsRunLedger,
    CheckpointKeys,
    CheckpointJournal,
    CheckpointsService,
    PlayoutLogService,
    PlayoutClaims,
    AutomationRecorder,
    PlayoutDispatcher,
  ],
  exports: [
    AsRunLedger,
    CheckpointsService,
    PlayoutLogService,
    PlayoutClaims,
    AutomationRecorder,
    PlayoutDispatcher,
  ],
})
export class PlayoutModule {}
