import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './auth/audit.module';
import { AuthModule } from './auth/auth.module';
import { BulletinsModule } from './bulletins/bulletins.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { requestLogOptions } from './common/request-log';
import { CommonModule } from './common/common.module';
import { APP_CONFIG, AppConfig, AppRole } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { Env, loadConfig } from './config/load-config';
import { Clock } from './common/clock';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { GeoModule } from './geo/geo.module';
import { HealthModule } from './health/health.module';
import { FleetSchedulerModule } from './fleet/fleet-scheduler.module';
import { FleetModule } from './fleet/fleet.module';
import { FfmpegModule } from './media/ffmpeg.module';
import { MediaSchedulerModule } from './media/media-scheduler.module';
import { MediaWorkerModule } from './media/media-worker.module';
import { MediaModule } from './media/media.module';
import { PlayoutSchedulerModule } from './playout/playout-scheduler.module';
import { PlayoutWorkerModule } from './playout/playout-worker.module';
import { PlayoutModule } from './playout/playout.module';
import { QueueModule } from './queue/queue.module';
import { ReportsSchedulerModule } from './reports/reports-scheduler.module';
import { ReportsWorkerModule } from './reports/reports-worker.module';
import { ReportsModule } from './reports/reports.module';
import { ProgramLogModule } from './schedule/program-log.module';
import { PolicyModule } from './policy/policy.module';
import { ProgramScheduleModule } from './schedule/schedule.module';
import { SourcesModule } from './sources/sources.module';
import { TopicsModule } from './topics/topics.module';
import { WebModule } from './web/web.module';

export interface AppModuleOptions {
  /** Use these variables instead of `.env` and the process environment (tests, tools). */
  env?: Env;
  /** Replaces the system clock (tests that move time). */
  clock?: Clock;
  /**
   * The process serves HTTP (createHttpApp): with the `api` role it then also runs the fleet's
   * MQTT side (the embedded broker or the client of MQTT_URL). Tools and CLIs leave it unset.
   */
  http?: boolean;
}

/**
 * Modules by process role (APP_ROLES): `api` serves HTTP (controllers live in the feature
 * modules), `worker` runs the queue processors, `scheduler` runs the ticks and job schedulers.
 * A feature keeps its processors in `<feature>-worker.module.ts` and its ticks in
 * `<feature>-scheduler.module.ts`, listed here.
 */
function roleModules(roles: ReadonlySet<AppRole>): DynamicModule['imports'] {
  const imports: NonNullable<DynamicModule['imports']> = [];
  if (roles.has('worker')) imports.push(...WORKER_MODULES);
  if (roles.has('scheduler')) imports.push(ScheduleModule.forRoot(), ...SCHEDULER_MODULES);
  return imports;
}

const WORKER_MODULES: NonNullable<DynamicModule['imports']> = [
  MediaWorkerModule,
  ReportsWorkerModule,
  PlayoutWorkerModule,
];
const SCHEDULER_MODULES: NonNullable<DynamicModule['imports']> = [
  MediaSchedulerModule,
  ReportsSchedulerModule,
  PlayoutSchedulerModule,
  FleetSchedulerModule,
];

/**
 * Modules only a process that serves HTTP uses, loaded (`import()`) only by such a process: with
 * them bull-board, the MQTT client and broker, and the live socket's `ws` were loaded by every
 * worker and scheduler process too, and never used there (BENCHMARKS.md, Memory).
 */
function httpModules(
  options: AppModuleOptions,
  roles: ReadonlySet<AppRole>,
): Promise<DynamicModule>[] {
  if (!roles.has('api')) return [];
  // The queue dashboard is HTTP: only a process that serves the API mounts it.
  const modules = [
    import('./queue/queue-dashboard.module').then(({ QueueDashboardModule }) => ({
      module: QueueDashboardModule,
    })),
  ];
  if (!options.http) return modules;
  return [
    ...modules,
    // Devices reach the service that serves the API: the broker side lives there only.
    import('./fleet/fleet-mqtt.module').then(({ FleetMqttModule }) => ({
      module: FleetMqttModule,
    })),
    // Live speech arrives over the API's HTTP server (its socket), and plays on this process's player.
    import('./live/live.module').then(({ LiveModule }) => ({ module: LiveModule })),
  ];
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions = {}): DynamicModule {
    const roles = loadConfig(options.env ?? process.env).roles;
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(options.env),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            pinoHttp: requestLogOptions(config.logLevel),
          }),
        }),
        CommonModule.register(options.clock),
        DatabaseModule,
        QueueModule,
        FfmpegModule,
        AuditModule,
        GeoModule,
        AuthModule,
        TopicsModule,
        CampaignsModule,
        HealthModule,
        MediaModule,
        ProgramLogModule,
        BulletinsModule,
        ProgramScheduleModule,
        PolicyModule,
        SourcesModule,
        WebModule,
        DemoModule,
        PlayoutModule,
        ReportsModule,
        FleetModule,
        ...httpModules(options, roles),
        ...(roleModules(roles) ?? []),
      ],
    };
  }
}
