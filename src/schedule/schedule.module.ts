import { Module } from '@nestjs/common';
import { BulletinsModule } from '../bulletins/bulletins.module';
import { SourcesModule } from '../sources/sources.module';
import { CalendarController } from './calendar.controller';
import { CalendarFeedGuard } from './calendar-feed.guard';
import { CalendarFeedService } from './calendar-feed.service';
import { CalendarTokenService } from './calendar-token.service';
import { PlanService } from './plan.service';
import { ProvincePlanController } from './province-plan.controller';
import { ScheduleController } from './schedule.controller';
import { ScheduleService } from './schedule.service';
import { WindowsController } from './windows.controller';
import { WindowsService } from './windows.service';

/**
 * On-air windows, the program log, the campaign planner and the calendar feed. The log's storage
 * and change events live in the global ProgramLogModule.
 */
@Module({
  imports: [BulletinsModule, SourcesModule],
  controllers: [WindowsController, ScheduleController, ProvincePlanController, CalendarController],
  providers: [
    WindowsService,
    ScheduleService,
    PlanService,
    CalendarTokenService,
    CalendarFeedService,
    CalendarFeedGuard,
  ],
  exports: [ScheduleService, WindowsService],
})
export class ProgramScheduleModule {}
