import { Module } from '@nestjs/common';
import { CommunePolicyController, ProvincePolicyController } from './policy.controller';
import { PolicyService } from './policy.service';

/**
 * The broadcast policy's routes. Its rules (src/schedule/broadcast-policy.ts) and checks against
 * the program log (PolicyChecks, in the global ProgramLogModule) sit beside the schedule, which
 * enforces them at save time; the players enforce them at play time.
 */
@Module({
  controllers: [ProvincePolicyController, CommunePolicyController],
  providers: [PolicyService],
})
export class PolicyModule {}
