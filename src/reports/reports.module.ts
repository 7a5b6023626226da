import { Module } from '@nestjs/common';
import { PlayoutModule } from '../playout/playout.module';
import { AirtimeRepository } from './airtime.repository';
import { AsRunExportService } from './as-run-export.service';
import { AsRunReader } from './as-run-reader';
import { ChainChecksService } from './chain-checks.service';
import { OfficialReportsController } from './official/official-reports.controller';
import { OfficialReportsService } from './official/official-reports.service';
import { SigningCertificateController } from './official/signing/signing-certificate.controller';
import { SigningCertificatesService } from './official/signing/signing-certificates.service';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { ReportsController } from './reports.controller';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { StatsRepository } from './stats/stats.repository';
import { StatsPushClient } from './stats/push/stats-push.client';
import { StatsPushController } from './stats/push/stats-push.controller';
import { StatsPushService } from './stats/push/stats-push.service';
import { StatsPushTargetsService } from './stats/push/stats-push-targets.service';
import { ReportsService } from './reports.service';
import { RollupsHook } from './rollups-hook';
import { RollupsService } from './rollups.service';

/**
 * Monitoring and reports over the as-run log: compliance, province summary, uplift, a
 * commune's detail, planned versus aired, CSV/XLSX exports, the verifiable as-run export, and the daily roll-ups
 * (kept in every append's transaction by `RollupsHook`, the ledger's append hook, repaired by `RollupsService`).
 */
@Module({
  imports: [PlayoutModule],
  controllers: [
    ReportsController,
    ReconciliationController,
    OfficialReportsController,
    SigningCertificateController,
    StatsController,
    StatsPushController,
  ],
  providers: [
    AirtimeRepository,
    AsRunReader,
    AsRunExportService,
    ChainChecksService,
    OfficialReportsService,
    ReconciliationService,
    ReportsService,
    RollupsService,
    RollupsHook,
    SigningCertificatesService,
    StatsService,
    StatsRepository,
    StatsPushClient,
    StatsPushService,
    StatsPushTargetsService,
  ],
  exports: [RollupsService, ChainChecksService, StatsPushService],
})
export class ReportsModule {}
