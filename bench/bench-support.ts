import { ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
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

/** The middle value (of an even count, the upper of the two in the middle): the benchmarks' rounds. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** What `npm start` runs the service with (scripts/start.js). */
interface StartSettings {
  NODE_FLAGS: string[];
  serviceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Runs `entry` with `args` in a node process with NODE_FLAGS and the service's environment. */
  launch(entry: string, args?: string[]): void;
}

/**
 * The node options and environment of `npm start`, so that a measured service process runs as
 * it would there.
 */
export const startSettings = createRequire(__filename)(
  resolve(__dirname, '..', '..', 'scripts', 'start.js'),
) as StartSettings;

/** `npm start`'s node options and environment as the benchmarks' prose names them: `--flag`, `NAME=value`. */
export function startSettingsText(): string {
  return [
    ...startSettings.NODE_FLAGS,
    ...Object.entries(startSettings.serviceEnv({})).map(([name, value]) => `${name}=${value}`),
  ]
    .map((setting) => `\`${setting}\``)
    .join(', ');
}

/** What a load process may send before its answer: that it has its run and starts it now. */
export const LOAD_STARTED = 'load-started';

/** How a `BenchChild` is forked: node options (none by default), and the environment (the benchmark's by default). */
export interface BenchChildOptions {
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * A process forked from `file` (a script of this folder) that answers runs one at a time
 * (`answerRuns`), kept for several runs: a load process, whose CPU is not the measured
 * process's and whose keep-alive connections and compiled code a warm-up warms as well as the
 * server's; or a measured service, forked with the options of `npm start`.
 */
export class BenchChild<Run, Result> {
  private readonly child: ChildProcess;
  private exited: Error | null = null;
  private readonly exit: Promise<void>;

  constructor(
    private readonly file: string,
    options: BenchChildOptions = {},
  ) {
    this.child = fork(join(__dirname, file), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Not the benchmark's own options (those of `npm start`, see run.ts) unless asked for: a
      // load process runs with Node's defaults.
      execArgv: options.execArgv ?? [],
      env: options.env,
    });
    this.exit = new Promise((done) => {
      this.child.once('exit', (code) => {
        this.exited = new Error(`bench process ${file} exited with ${code}`);
        done();
      });
    });
  }

  /**
   * Sends `run` and gives its answer. `started` is called when the process says it starts
   * (`LOAD_STARTED`), after the run has crossed to it. One run at a time.
   */
  run(run: Run, started: () => void = () => undefined): Promise<Result> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<Result>((done, fail) => {
      const onMessage = (message: Result | typeof LOAD_STARTED) => {
        if (message === LOAD_STARTED) {
          started();
          return;
        }
        this.child.off('exit', onExit);
        this.child.off('message', onMessage);
        done(message);
      };
      const onExit = (code: number | null) =>
        fail(new Error(`bench process ${this.file} exited with ${code}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(run as object);
    });
  }

  /** Lets the process end (it ends its work and exits when disconnected), and waits for it. */
  async close(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await this.exit;
  }
}

/** Sends `run` to a load process of its own, which ends with the run (see `BenchChild`). */
export async function inLoadProcess<Run, Result>(
  file: string,
  run: Run,
  started: () => void = () => undefined,
): Promise<Result> {
  const load = new BenchChild<Run, Result>(file);
  try {
    return await load.run(run, started);
  } finally {
    await load.close();
  }
}

/**
 * A forked process's side of `BenchChild`: runs what it is sent and answers with the result;
 * when disconnected, ends its work (`end`) and exits.
 */
export function answerRuns<Run, Result>(
  runner: (run: Run) => Promise<Result>,
  end: () => Promise<void> = () => Promise.resolve(),
): void {
  process.on('message', (run: Run) => {
    runner(run).then(
      (result) => process.send?.(result),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.once('disconnect', () => {
    end().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
