import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Env } from '../../src/config/load-config';
import { eventually } from './eventually';
import { freePort } from './services';
import { ADMIN, bearer } from './test-app';

const ROOT = resolve(__dirname, '../..');
export const BUILT_MAIN = resolve(ROOT, 'dist/main.js');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /**
   * Resolves when the output (from its `from`th character: `output().length` at some earlier
   * point) matches, rejects after `timeoutMs` or when the process exits first.
   */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code (or signal name) once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the built service (`dist/main.js`, made by `npm run build`, which `npm run test:e2e`
 * runs first) as a real separate process: for tests that kill it, restart it or run several.
 */
export function startServiceProcess(env: Env): ServiceProcess {
  return startBuiltProcess(BUILT_MAIN, env);
}

/**
 * The variables that start the service on two ports free now (its HTTP API's and its embedded
 * MQTT broker's) over `env`, and the origin its API answers on. Starting it again with the same
 * variables puts it back on the same ports.
 */
export async function onFreePorts(env: Env): Promise<{ env: Env; origin: string }> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  return {
    env: { ...env, PORT: String(httpPort), MQTT_PORT: String(mqttPort) },
    origin: `http://127.0.0.1:${httpPort}`,
  };
}

/**
 * Starts the built service and resolves once it listens. One that does not within `timeoutMs`
 * is killed before the error is thrown, so that no test leaves it running.
 */
export async function startListeningService(env: Env, timeoutMs = 30000): Promise<ServiceProcess> {
  const service = startServiceProcess(env);
  try {
    await service.waitFor(/listening on/, timeoutMs);
  } catch (error) {
    await service.stop('SIGKILL');
    throw error;
  }
  return service;
}

/** Logs `user` in through the HTTP API of a running service and gives their access token. */
export async function logIn(origin: string, user = ADMIN): Promise<string> {
  const response = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (response.status !== 200) {
    throw new Error(`login of ${user.username}: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** A record of a commune's as-run log, as its API shows it. */
export interface PlayoutRecordJson {
  scheduleItemId: string | null;
  outcome: string;
  source: string;
  devices: Record<string, number> | null;
}

/** Reads a commune's API on a running service with `token`. */
export function communeReader(origin: string, token: string, communeCode: string) {
  /** GET of `path` below the commune (`/alerts`), which must answer 200. */
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${origin}/api/v1/communes/${communeCode}${path}`, {
      headers: bearer(token),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  /** The record of a schedule item, once the as-run log has it. */
  const recordOf = (itemId: string) =>
    eventually(
      async () =>
        (await get<PlayoutRecordJson[]>('/playout-log')).find(
          (record) => record.scheduleItemId === itemId,
        ),
      { timeoutMs: 30000, what: `the record of item ${itemId}` },
    );
  return { get, recordOf };
}

/**
 * How far ahead of now a test schedules an item for boxes that are online: the service pushes
 * a `sync` (within a second), the box fetches its manifest and downloads the audio, and opens it
 * PLAYOUT_PREROLL_MS (3 s) before the start. About 1 s with both cores busy (2026-12-07, load 5);
 * the rest is margin.
 */
export const SYNC_LEAD_MS = 10000;

/**
 * How far ahead of a box's start (`startEdgeProcess`) a test puts the item it must play: the
 * process starts, enrols or loads its identity, syncs and downloads (2 s with both cores busy,
 * 2026-12-07); the rest is margin.
 */
export const EDGE_START_LEAD_MS = 10000;

/**
 * Waits until a running service counts each of `deviceIds` online (their status heard over
 * MQTT). From then on a change to the program log reaches those boxes at once, by the `sync` the
 * service pushes to the online devices an item concerns, so a test that schedules now needs to
 * lead its items only by that sync and the audio's download, not by the processes' start.
 */
export async function devicesOnline(
  origin: string,
  token: string,
  communeCode: string,
  deviceIds: readonly string[],
  timeoutMs = 30000,
): Promise<void> {
  const { get } = communeReader(origin, token, communeCode);
  await eventually(
    async () => {
      const rows = await get<{ id: string; status: string }[]>('/devices');
      return deviceIds.every((id) => rows.find((row) => row.id === id)?.status === 'online')
        ? true
        : undefined;
    },
    { timeoutMs, what: `devices ${deviceIds.join(', ')} online` },
  );
}

/** An item of the program log as the tests use it. */
export interface ScheduledItem {
  id: string;
  startsAt: Date;
  durationMs: number;
}

/**
 * Adds an item to a running service's program log through its API, as an operator does (inside
 * a window: schedule-fixtures' createWindowsAroundNow): the service then pushes a `sync` to the
 * online boxes the item goes to. A bulletin (`bulletinId`), or a relay (`sourceId`,
 * `durationSeconds`, optional `topics`); `zones` absent: every device of the commune.
 */
export async function scheduleOnService(
  origin: string,
  token: string,
  communeCode: string,
  spec: {
    bulletinId?: string;
    sourceId?: string;
    durationSeconds?: number;
    topics?: string[];
    startsAt: number;
    zones?: string[];
  },
): Promise<ScheduledItem> {
  const response = await fetch(`${origin}/api/v1/communes/${communeCode}/schedule`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...spec, startsAt: new Date(spec.startsAt).toISOString() }),
  });
  if (response.status !== 201) {
    throw new Error(`schedule an item: ${response.status} ${await response.text()}`);
  }
  const item = (await response.json()) as { id: string; startsAt: string; endsAt: string };
  const startsAt = new Date(item.startsAt);
  return { id: item.id, startsAt, durationMs: Date.parse(item.endsAt) - startsAt.getTime() };
}

/** The edge player as `npm run edge` starts it (`dist/edge/main.js`). */
export const BUILT_EDGE = resolve(ROOT, 'dist/edge/main.js');

/**
 * Starts a built entry point of `dist/` as a real separate process; `wrapper` runs it through
 * another command that execs it in place (`['ip', 'netns', 'exec', name]`), so the process id
 * and the signals are still node's.
 */
export function startBuiltProcess(
  script: string,
  env: Env,
  wrapper: string[] = [],
): ServiceProcess {
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  const [command, ...args] = [...wrapper, process.execPath, script];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...env,
      LOG_LEVEL: env.LOG_LEVEL === 'silent' ? 'info' : (env.LOG_LEVEL ?? 'info'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );

  return {
    child,
    output: () => text,
    waitFor: (pattern, timeoutMs = 30000, from = 0) =>
      new Promise<void>((resolveWait, rejectWait) => {
        const check = () => {
          if (pattern.test(text.slice(from))) finish();
        };
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${pattern}\n${text.slice(-4000)}`)),
          timeoutMs,
        );
        const onExit = () =>
          finish(new Error(`process exited while waiting for ${pattern}\n${text.slice(-4000)}`));
        function finish(error?: Error) {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
          if (error) rejectWait(error);
          else resolveWait();
        }
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface EdgeProcessOptions {
  /** The server it enrols with, syncs from and reports to (EDGE_SERVER_URL). */
  serverUrl: string;
  enrolmentCode: string;
  /** The box's folder: its data directory is `data/` in it, its file sink's archive `archive/`. */
  dir: string;
  /** More variables, or other values for the ones set here. */
  env?: Env;
  /** As startBuiltProcess's. */
  wrapper?: string[];
}

/**
 * Starts a built edge player (a speaker box) with a file sink, retrying the server every 2 s at
 * the most while it is away.
 */
export function startEdgeProcess(options: EdgeProcessOptions): ServiceProcess {
  mkdirSync(options.dir, { recursive: true });
  return startBuiltProcess(
    BUILT_EDGE,
    {
      PATH: process.env.PATH,
      NO_COLOR: '1',
      EDGE_SERVER_URL: options.serverUrl,
      EDGE_ENROLMENT_CODE: options.enrolmentCode,
      EDGE_DATA_DIR: join(options.dir, 'data'),
      PLAYOUT_SINK: 'file',
      PLAYOUT_ARCHIVE_DIR: join(options.dir, 'archive'),
      EDGE_MAX_BACKOFF_SECONDS: '2',
      ...options.env,
    },
    options.wrapper,
  );
}
