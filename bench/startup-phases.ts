import 'reflect-metadata';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppModuleOptions } from '../src/app.module';

/**
 * The start-up benchmark's probe (bench/startup.bench.ts), a process of its own: starts the built
 * service (`dist/`, as `npm start` runs it) step by step and prints how long each step took, as
 * one JSON line: loading its modules, creating the application (every module's init: the
 * database and its migrations check, Redis, queues, the MQTT broker, the first admin, the API
 * docs), and listening.
 */
interface Factory {
  createHttpApp(options?: AppModuleOptions): Promise<NestExpressApplication>;
}

const HOOKS = ['onModuleInit', 'onApplicationBootstrap'] as const;

type Timings = Record<string, number>;

/** What AppModule imports only in a process that serves HTTP (its `httpModules`). */
const HTTP_ONLY_MODULES = [
  'queue/queue-dashboard.module.js',
  'fleet/fleet-mqtt.module.js',
  'live/live.module.js',
];

/** Wraps `owner[name]` (a function) to add the time of each call, until it settles, to `into[key]`. */
function timeCalls(owner: object, name: string, key: string, into: Timings): void {
  const target = owner as Record<string, unknown>;
  const original = target[name];
  if (typeof original !== 'function') return;
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    const started = performance.now();
    const add = () => (into[key] = (into[key] ?? 0) + performance.now() - started);
    const result: unknown = Reflect.apply(original, this, args);
    if (result instanceof Promise) return result.finally(add);
    add();
    return result;
  };
}

/** Times the lifecycle hooks of every class the service's modules export, and two known steps. */
function timeSteps(root: string, into: Timings): void {
  for (const [file, entry] of Object.entries(require.cache)) {
    if (!entry || !file.startsWith(join(root, 'dist')) || file.includes('node_modules')) continue;
    for (const value of Object.values(entry.exports as Record<string, unknown>)) {
      if (typeof value !== 'function' || !value.prototype) continue;
      for (const hook of HOOKS) {
        if (Object.hasOwn(value.prototype as object, hook)) {
          timeCalls(value.prototype as object, hook, `${value.name}.${hook}`, into);
        }
      }
    }
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const typeorm = require('typeorm') as { DataSource: { prototype: object } };
  timeCalls(
    typeorm.DataSource.prototype,
    'initialize',
    'TypeORM DataSource.initialize (connect, migrations check)',
    into,
  );
  const swagger = require('@nestjs/swagger') as { SwaggerModule: object };
  /* eslint-enable @typescript-eslint/no-require-imports */
  timeCalls(
    swagger.SwaggerModule,
    'createDocument',
    'SwaggerModule.createDocument (API docs)',
    into,
  );
}

async function main(): Promise<void> {
  const root = process.argv[2];
  const started = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports */
  // As main.ts does first: what libraries require and may never use waits for its first use.
  require(join(root, 'dist', 'deferred-requires.js'));
  const factory = require(join(root, 'dist', 'app.factory.js')) as Factory;
  // The modules only the HTTP process imports (app.module.ts, `import()` at creation): loaded
  // here too, so that their time counts as loading and their hooks are timed below.
  for (const lazy of HTTP_ONLY_MODULES) require(join(root, 'dist', lazy));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loaded = performance.now();
  const steps: Timings = {};
  timeSteps(root, steps);
  const app = await factory.createHttpApp();
  const created = performance.now();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  const listening = performance.now();
  process.stdout.write(
    `${JSON.stringify({
      bootMs: started,
      loadMs: loaded - started,
      createMs: created - loaded,
      listenMs: listening - created,
      steps,
    })}\n`,
  );
  await app.close();
  process.exit(0);
}

void main();
