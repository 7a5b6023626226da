import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_CONFIG, AppConfig } from './app-config';
import { Env, loadConfig } from './load-config';

const APP_CONFIG_KEY = 'app';

/**
 * Loads and validates the configuration once, at start. With `env` (tests, tools) the given
 * variables are used as they are; otherwise a `.env` file, then the process environment.
 */
@Global()
@Module({})
export class AppConfigModule {
  static register(env?: Env): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: env !== undefined,
          load: [() => ({ [APP_CONFIG_KEY]: loadConfig(env ?? process.env) })],
        }),
      ],
      providers: [
        {
          provide: APP_CONFIG,
          inject: [ConfigService],
          useFactory: (config: ConfigService): AppConfig =>
            config.getOrThrow<AppConfig>(APP_CONFIG_KEY),
        },
      ],
      exports: [APP_CONFIG],
    };
  }
}
