import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createHttpApp } from '../src/app.factory';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv } from './bench-support';
import { Benchmark } from './bench.types';
import {
  Distribution,
  distribution,
  PLAYOUT_GOAL,
  playResults,
  PlaysSpec,
  SPACING_MS,
} from './playout.bench';
import { SoakLoadResult, SoakLoadSpec } from './soak-load';

const PLAYING = ['14797', '14758'];
const BATCH_COMMUNE = '14812';
const FIRST_START_MS = 8000;
const HEALTH_GOAL_MS = 100;

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

interface Phase {
  plays: Distribution;
  notAired: number;
  health: Distribution;
  load: SoakLoadResult;
}

function runLoad(spec: SoakLoadSpec): Promise<SoakLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'soak-load.js'), { workerData: spec });
    worker.once('message', (result: SoakLoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/**
 * `npm run bench -- soak`: the service (api, worker and scheduler in one process, as on a
 * commune's single machine, with its production password cost) plays items while clients on a
 * worker thread flood the logins, send nested JSON and post as-run batches, all at once; the
 * start errors and the health latency are compared with a run of the same plays and probes
 * without the attack, in the same run. SOAK_SECONDS (default 60) is the length of each phase;
 * SOAK_LOGINS_PER_SECOND (10), SOAK_NESTED_PER_SECOND (4), SOAK_BATCHES_PER_SECOND (4) and
 * SOAK_RECORDS_PER_BATCH (50) the attack.
 */
export const soakBenchmark: Benchmark = {
  id: 'soak',
  title: 'Soak: playout and health under login floods, nested JSON and as-run posts',
  async run(): Promise<string> {
    const seconds = positive('SOAK_SECONDS', 60);
    const attack = {
      loginsPerSecond: positive('SOAK_LOGINS_PER_SECOND', 10),
      nestedPerSecond: positive('SOAK_NESTED_PER_SECOND', 4),
      batchesPerSecond: positive('SOAK_BATCHES_PER_SECOND', 4),
      recordsPerBatch: Math.max(1, Math.round(positive('SOAK_RECORDS_PER_BATCH', 50))),
    };
    const playsPerCommune = Math.max(2, Math.floor((seconds * 1000 - FIRST_START_MS) / SPACING_MS));
    const plays: PlaysSpec = { communes: PLAYING, playsPerCommune, firstStartMs: FIRST_START_MS };
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-soak-'));
    const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
    const mediaDir = join(dir, 'media');
    const app = await createHttpApp({
      env: benchEnv(dir, prefix, {
        APP_ROLES: 'api,worker,scheduler',
        PLAYOUT_SINK: 'null',
        PLAYOUT_RECONCILE_SECONDS: '2',
        // The production cost of a password hash: what a login flood makes the service pay.
        PASSWORD_SCRYPT_COST: '15',
      }),
    });
    try {
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'bench-admin-password' }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const durationMs = FIRST_START_MS + playsPerCommune * SPACING_MS + 1000;

      const phase = async (withAttack: boolean): Promise<Phase> => {
        const [starts, load] = await Promise.all([
          playResults(app, mediaDir, plays),
          runLoad({
            port,
            token: accessToken,
            attack: withAttack,
            durationMs,
            batchCommune: BATCH_COMMUNE,
            ...attack,
          }),
        ]);
        return {
          plays: distribution(starts.startErrors),
          notAired: starts.notAired,
          health: distribution(load.healthMs.map((ms) => Math.round(ms))),
          load,
        };
      };
      const loadBefore = loadavg()[0];
      const quiet = await phase(false);
      const attacked = await phase(true);
      const loadAfter = loadavg()[0];

      const ratio = (a: number | undefined, b: number | undefined) =>
        a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(1)}×` : '—';
      const cells = (d: Distribution) => [d.p50, d.p99, d.max].map((v) => v ?? '—').join(' | ');
      const playsMet =
        attacked.notAired === 0 &&
        attacked.plays.p99 <= PLAYOUT_GOAL.p99 &&
        attacked.plays.max <= PLAYOUT_GOAL.max;
      const healthMet = attacked.load.healthFailures === 0 && attacked.health.max <= HEALTH_GOAL_MS;
      const answers = Object.entries(attacked.load.answers)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => {
          const kind = key.slice(0, key.lastIndexOf(' '));
          const status = key.slice(key.lastIndexOf(' ') + 1);
          return `| ${kind} | ${status === '0' ? 'no answer' : status} | ${n} | ${attacked.load.slowestMs[kind] ?? '—'} |`;
        });
      return [
        `${seconds} s a phase, ${playsPerCommune} plays of 1 s on each of ${PLAYING.length} ` +
          `communes (${SPACING_MS / 1000} s apart) in one process running the API, the worker ` +
          'and the scheduler (`null` sink, scrypt cost 2^15 as in production), health probed every ' +
          '100 ms from a worker thread. Baseline: the same plays and probes, quiet, in the same ' +
          `run. Attack, from the worker thread over loopback: ${attack.loginsPerSecond} logins/s ` +
          `(wrong passwords, a new username each), ${attack.nestedPerSecond} nested JSON bodies/s ` +
          '(alternately 3.8 MB nested 1.9 million deep to the login without a token, and 10,000 ' +
          `levels with a token to the batch route), ${attack.batchesPerSecond} as-run batches/s ` +
          `of ${attack.recordsPerBatch} records to another commune.`,
        '',
        '| ms | quiet p50 | quiet p99 | quiet max | attacked p50 | attacked p99 | attacked max | max, attacked/quiet |',
        '|---|---|---|---|---|---|---|---|',
        `| playout start error (aired ${quiet.plays.count} / ${attacked.plays.count}) | ${cells(quiet.plays)} | ${cells(attacked.plays)} | ${ratio(attacked.plays.max, quiet.plays.max)} |`,
        `| health latency (n = ${quiet.health.count} / ${attacked.health.count}) | ${cells(quiet.health)} | ${cells(attacked.health)} | ${ratio(attacked.health.max, quiet.health.max)} |`,
        '',
        `Plays that did not air by their end: ${quiet.notAired} quiet, ${attacked.notAired} ` +
          `attacked. Health checks not answered 200: ${quiet.load.healthFailures} quiet, ` +
          `${attacked.load.healthFailures} attacked.`,
        '',
        'Answers to the attack:',
        '',
        '| kind | status | n | slowest (ms) |',
        '|---|---|---|---|',
        ...answers,
        '',
        `Goals under attack: start error p99 ≤ ${PLAYOUT_GOAL.p99} ms and max ≤ ` +
          `${PLAYOUT_GOAL.max} ms — **${playsMet ? 'met' : 'not met'}**; every health answer ` +
          `≤ ${HEALTH_GOAL_MS} ms — **${healthMet ? 'met' : 'not met'}**.`,
        '',
        `Machine load (1-minute load average on ${cpus().length} cores): ${fmt(loadBefore)} ` +
          `before, ${fmt(loadAfter)} after.`,
      ].join('\n');
    } finally {
      await app.close();
      await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
