import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators';
import { FfmpegBinaries } from '../media/ffmpeg-binaries';
import { RedisClient } from '../queue/redis-client.provider';
import { DependencyState, HealthView } from './health.view';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly redis: RedisClient,
    private readonly ffmpeg: FfmpegBinaries,
  ) {}

  /** 200 when the database, Redis and ffmpeg all answer; 503 naming what is down otherwise. */
  @Public()
  @Get()
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthView> {
    const [db, redis, ffmpeg] = await Promise.all([
      this.checkDb(),
      this.checkRedis(),
      this.checkFfmpeg(),
    ]);
    const ok = [db, redis, ffmpeg].every((state) => state.status === 'up');
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'error', db, redis, ffmpeg };
  }

  private async checkDb(): Promise<DependencyState> {
    try {
      await this.health.check([() => this.typeorm.pingCheck('db', { timeout: 3000 })]);
      return { status: 'up' };
    } catch {
      return { status: 'down' };
    }
  }

  private async checkRedis(): Promise<DependencyState> {
    return { status: (await this.redis.ping()) ? 'up' : 'down' };
  }

  private async checkFfmpeg(): Promise<DependencyState> {
    const version = await this.ffmpeg.version();
    return version
      ? { status: 'up', version, origin: this.ffmpeg.ffmpeg?.origin }
      : { status: 'down' };
  }
}

export { DependencyState, HealthView } from './health.view';
