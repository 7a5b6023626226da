import { Module } from '@nestjs/common';
import { DemoRemover } from './demo-remover';
import { DemoSeeder } from './demo-seeder';
import { DemoStatusService } from './demo-status.service';
import { DemoController } from './demo.controller';

/**
 * The sample data of `npm run demo`: its status for the web app's labels, the seeder and the
 * remover (used by demo.cli.ts; they reach the other modules' services through ModuleRef).
 */
@Module({
  controllers: [DemoController],
  providers: [DemoStatusService, DemoSeeder, DemoRemover],
  exports: [DemoSeeder, DemoRemover],
})
export class DemoModule {}
