import { Global, Module } from '@nestjs/common';
import { PolicyChecks } from './policy-checks';
import { ProgramLogRepository } from './program-log.repository';
import { ScheduleChanges } from './schedule-changes';

/**
 * The program log's storage and change events, and the broadcast policy's checks, shared with the bulletins feature (which takes a
 * bulletin's items off the log) and the playout feature (which listens to `ScheduleChanges`).
 */
@Global()
@Module({
  providers: [ProgramLogRepository, ScheduleChanges, PolicyChecks],
  exports: [ProgramLogRepository, ScheduleChanges, PolicyChecks],
})
export class ProgramLogModule {}
