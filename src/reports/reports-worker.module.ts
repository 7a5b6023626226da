import { Module } from '@nestjs/common';
import { ReportsMaintenanceProcessor } from './reports-maintenance.processor';
import { ReportsModule } from './reports.module';

/** Worker role: runs the maintenance jobs the reports scheduler enqueues. */
@Module({
  imports: [ReportsModule],
  providers: [ReportsMaintenanceProcessor],
})
export class ReportsWorkerModule {}
