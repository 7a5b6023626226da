import { Global, Module } from '@nestjs/common';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';

/**
 * The program log's storage and change events, shared with the bulletins feature (which takes a
 * bulletin's items off the log) and the playout feature (which listens to `ScheduleChanges`).
 */
@Global()
@Module({
  providers: [ProgramLogRepository, ScheduleChanges],
  exports: [ProgramLogRepository, ScheduleChanges],
})
export class ProgramLogModule {}
