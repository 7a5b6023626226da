import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * The start-up benchmark's baseline (bench/startup.bench.ts): a bare Nest application on Express
 * with one health route at the service's path, started as a process of its own. What any Nest
 * service pays before its own modules: Node, Nest's core and Express.
 */
@Controller('api/v1/health')
class BareHealthController {
  @Get()
  check(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [BareHealthController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
