import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuditModule } from './auth/audit.module';
import { AuthModule } from './auth/auth.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CommonModule } from './common/common.module';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { Env } from './config/load-config';
import { DatabaseModule } from './database/database.module';
import { GeoModule } from './geo/geo.module';
import { HealthModule } from './health/health.module';
import { FfmpegModule } from './media/ffmpeg.module';
import { QueueModule } from './queue/queue.module';
import { TopicsModule } from './topics/topics.module';

export interface AppModuleOptions {
  /** Use these variables instead of `.env` and the process environment (tests, tools). */
  env?: Env;
}

function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(options.env),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.logLevel,
              genReqId: (request, response) => {
                const id = requestId(request);
                response.setHeader('x-request-id', id);
                return id;
              },
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              autoLogging: { ignore: (request) => request.url === '/api/v1/health' },
            },
          }),
        }),
        CommonModule,
        DatabaseModule,
        QueueModule,
        FfmpegModule,
        AuditModule,
        GeoModule,
        AuthModule,
        TopicsModule,
        CampaignsModule,
        HealthModule,
      ],
    };
  }
}
