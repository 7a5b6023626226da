import { Module } from '@nestjs/common';
import { PlayoutModule } from '../playout/playout.module';
import { AirtimeRepository } from './airtime.repository';
import { AsRunExportService } from './as-run-export.service';
import { AsRunReader } from './as-run-reader';
import { ChainChecksService } from './chain-checks.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { RollupsHook } from './rollups-hook';
import { RollupsService } from './rollups.service';

/**
 * Monitoring and reports over the as-run log: compliance, province summary, uplift, a
 * commune's detail, CSV/XLSX exports, the verifiable as-run export, and the daily roll-ups
 * (kept in every append's transaction by `RollupsHook`, the ledger's append hook, repaired by `RollupsService`).
 */
@Module({
  imports: [PlayoutModule],
  controllers: [ReportsController],
  providers: [
    AirtimeRepository,
    AsRunReader,
    AsRunExportService,
    ChainChecksService,
    ReportsService,
    RollupsService,
    RollupsHook,
  ],
  exports: [RollupsService, ChainChecksService],
})
export class ReportsModule {}
