import { fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Env } from '../src/config/load-config';

/** The Redis the benchmarks use, under a key prefix of their own: BENCH_REDIS_URL, or db 12. */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';

/**
 * The service's environment in a benchmark: quiet, SQLite in the benchmark's folder (unless
 * `extra` names another database), its own Redis key prefix and media folder, the first admin,
 * cheap password hashing; `extra` adds or overrides variables (roles, sink, …).
 */
export function benchEnv(dir: string, prefix: string, extra: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: prefix,
    MEDIA_DIR: join(dir, 'media'),
    CHECKPOINT_KEY_FILE: join(dir, 'checkpoint-key.pem'),
    // The embedded MQTT broker on a free loopback port, never the machine's 1883.
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    CONFIG_DIR: resolve(__dirname, '..', '..', 'config'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'bench-admin-password',
    PASSWORD_SCRYPT_COST: '10',
    PATH: process.env.PATH,
    // Benchmarks play at the wall-clock time: the default quiet hours would refuse them at night.
    POLICY_DEFAULT_QUIET_HOURS: 'none',
    POLICY_DEFAULT_UNATTENDED_RELAYS_AT_NIGHT: 'true',
    ...extra,
  };
}

/** What a load process may send before its answer: that it has its run and starts it now. */
export const LOAD_STARTED = 'load-started';

/**
 * Sends `run` to a load process forked from `file` (a script of this folder) and gives its
 * answer: the load's CPU is not the measured process's. `started` is called when the process
 * says it starts (`LOAD_STARTED`), after the run has crossed to it.
 */
export function inLoadProcess<Run, Result>(
  file: string,
  run: Run,
  started: () => void = () => undefined,
): Promise<Result> {
  const child = fork(join(__dirname, file), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<Result>((done, fail) => {
    child.on('message', (message: Result | typeof LOAD_STARTED) => {
      if (message === LOAD_STARTED) {
        started();
        return;
      }
      child.disconnect();
      done(message);
    });
    child.once('exit', (code) => fail(new Error(`load process ${file} exited with ${code}`)));
    child.send(run as object);
  });
}

/** The load process’s side of `inLoadProcess`: runs what it is sent and answers with the result. */
export function answerRuns<Run, Result>(runner: (run: Run) => Promise<Result>): void {
  process.on('message', (run: Run) => {
    runner(run).then(
      (result) => process.send?.(result),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.once('disconnect', () => process.exit(0));
}
