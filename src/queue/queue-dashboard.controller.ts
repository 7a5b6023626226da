import { Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../auth/access.decorators';
import { TokenService } from '../auth/token.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { bearerToken, QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_ROUTE } from './queue-dashboard.auth';

/** The API prefix (app.factory.ts) and the dashboard route: the only path that gets the cookie. */
const COOKIE_PATH = `/api/v1${QUEUE_DASHBOARD_ROUTE}`;

/**
 * Opens the queue dashboard for an admin's browser: the admin's token goes into an HttpOnly,
 * SameSite=Strict cookie that only the dashboard's path receives, for the token's remaining life.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/queue-session')
export class QueueDashboardController {
  constructor(
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(204)
  async open(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const token = bearerToken(request);
    const payload = token ? await this.tokens.verify(token) : null;
    if (!token || !payload) throw new DomainError('UNAUTHENTICATED', 'Invalid or expired token');
    const maxAge = Math.max(0, payload.exp * 1000 - this.clock.nowMs());
    response.cookie(QUEUE_DASHBOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: COOKIE_PATH,
      maxAge,
    });
  }

  @Delete()
  @Roles('admin')
  @HttpCode(204)
  close(@Res({ passthrough: true }) response: Response): void {
    response.clearCookie(QUEUE_DASHBOARD_COOKIE, { path: COOKIE_PATH });
  }
}
