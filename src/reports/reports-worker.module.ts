import { Module } from '@nestjs/common';
import { PlayoutModule } from '../playout/playout.module';
import { ReportsMaintenanceProcessor } from './reports-maintenance.processor';
import { ReportsModule } from './reports.module';

/** Worker role: runs the maintenance jobs the reports scheduler enqueues (checkpoints too). */
@Module({
  imports: [ReportsModule, PlayoutModule],
  providers: [ReportsMaintenanceProcessor],
})
export class ReportsWorkerModule {}
