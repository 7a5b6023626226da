import { Module } from '@nestjs/common';
import { AsRunLedger } from './as-run-ledger';
import { PlayoutLogController } from './playout-log.controller';
import { PlayoutLogService } from './playout-log.service';

/** The as-run log: chain, reads, manual and imported records. */
@Module({
  controllers: [PlayoutLogController],
  providers: [AsRunLedger, PlayoutLogService],
  exports: [AsRunLedger, PlayoutLogService],
})
export class PlayoutModule {}
