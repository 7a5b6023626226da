// First: the libraries loaded below find the deferral of their unused parts installed.
import './deferred-requires';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { ConfigError, loadConfig } from './config/load-config';

async function bootstrap(): Promise<void> {
  let roles: AppConfig['roles'];
  try {
    roles = loadConfig(process.env).roles;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (roles.has('api')) {
    // Loaded only here: a worker or scheduler process has no use for helmet and the API docs.
    const { createHttpApp } = await import('./app.factory');
    const app = await createHttpApp();
    const config = app.get<AppConfig>(APP_CONFIG);
    await app.listen(config.port);
    Logger.log(
      `Loa xã listening on http://localhost:${config.port} (roles: ${[...roles].join(',')})`,
      'Bootstrap',
    );
  } else {
    // A worker or scheduler process has no HTTP server.
    const app = await NestFactory.createApplicationContext(AppModule.register());
    app.enableShutdownHooks();
    Logger.log(`Loa xã running without HTTP (roles: ${[...roles].join(',')})`, 'Bootstrap');
  }
}

void bootstrap();
