import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { DemoStatus, DemoStatusService } from './demo-status.service';

@ApiTags('demo')
@ApiBearerAuth()
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoStatusService) {}

  @Get()
  @ApiOperation({ summary: 'Whether sample data from `npm run demo` is present, and which' })
  status(@CurrentUser() user: AuthUser): Promise<DemoStatus> {
    return this.demo.status(user);
  }
}
