import { Module } from '@nestjs/common';
import { DemoStatusService } from './demo-status.service';
import { DemoController } from './demo.controller';

/** The sample data of `npm run demo`: its status for the web app's labels. */
@Module({
  controllers: [DemoController],
  providers: [DemoStatusService],
})
export class DemoModule {}
