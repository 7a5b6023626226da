import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/load-config';
import { loadEdgeConfig } from './edge-config';
import { EdgeStartError } from './edge-identity';
import { EdgeModule } from './edge.module';

/** The repository's package.json, above the built file (dist/edge, or dist-bench/src/edge). */
function packageJson(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'package.json');
  }
  throw new Error('package.json not found above the edge player');
}

/** `npm run edge`: the player of a speaker cluster (README, "The edge player"). */
async function bootstrap(): Promise<void> {
  const { version } = JSON.parse(readFileSync(packageJson(__dirname), 'utf8')) as {
    version: string;
  };
  let config;
  try {
    config = loadEdgeConfig(process.env, version);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  try {
    const app = await NestFactory.createApplicationContext(EdgeModule.register(config), {
      logger: ['log', 'warn', 'error'],
    });
    app.enableShutdownHooks();
  } catch (error) {
    if (error instanceof EdgeStartError) {
      console.error(`Cannot start the edge player: ${error.message}`);
      process.exit(1);
    }
    Logger.error(`Edge player failed to start: ${String(error)}`, 'Bootstrap');
    process.exit(1);
  }
}

void bootstrap();
