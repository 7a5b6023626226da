import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Job, Queue, Worker } from 'bullmq';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { In } from 'typeorm';
import { AppModule } from '../src/app.module';
import { BulletinTopic } from '../src/bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../src/bulletins/entities/bulletin.entity';
import { Db } from '../src/database/db.service';
import { AudioAsset } from '../src/media/entities/audio-asset.entity';
import { mediaPaths } from '../src/media/media-paths';
import { PlayoutRecord } from '../src/playout/entities/playout-record.entity';
import { PlayoutRunner, RunSummary } from '../src/playout/playout-runner.service';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { Benchmark } from './bench.types';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv } from './bench-support';

const COMMUNES = ['14797', '14758', '14812', '14818'];
/** Plays a phase (BENCH_PLAYOUT_PLAYS, default 200), spread over the communes. */
const PLAYS_PER_PHASE = Number(process.env.BENCH_PLAYOUT_PLAYS ?? 200);
const PLAYS_PER_COMMUNE = Math.max(1, Math.round(PLAYS_PER_PHASE / 4));
/** BENCH_PLAYOUT_PHASES=loaded: the run with both cores busy alone (the short reproduction). */
const LOADED_ONLY = process.env.BENCH_PLAYOUT_PHASES === 'loaded';
export const ITEM_MS = 1000;
export const SPACING_MS = 2500;
const FIRST_START_MS = 8000;
const BULL_JOBS = 200;
/** The output's lead in the bench (PLAYOUT_OUTPUT_LEAD_MS's default). */
const LEAD_MS = 500;
/** The playout goal for start errors, in ms (DESIGN.md). */
export const PLAYOUT_GOAL = { p99: 20, max: 50 };
const GOAL = PLAYOUT_GOAL;

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    count: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1],
    min: sorted[0],
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * What the audio queue does to a core: ffmpeg loudness analysis and MP3 encoding, one process
 * after another, for as long as the benchmark runs.
 */
function busyAudioCore(): { stop(): void } {
  let current: ChildProcess | undefined;
  let stopped = false;
  const next = (): void => {
    if (stopped) return;
    current = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-threads',
        '1',
        '-f',
        'lavfi',
        '-i',
        'anoisesrc=d=120:c=pink:r=48000',
        '-af',
        'loudnorm=I=-16:TP=-1.5:LRA=11',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '128k',
        '-f',
        'mp3',
        '-',
      ],
      { stdio: 'ignore' },
    );
    current.once('exit', next);
  };
  next();
  return {
    stop: () => {
      stopped = true;
      current?.kill('SIGKILL');
    },
  };
}

/** A CPU-bound process at normal priority (a loop that never waits) on the other core. */
function busyCpuCore(): { stop(): void } {
  const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  return { stop: () => spinner.kill('SIGKILL') };
}

/** Every play job's summary, as the runner returns it to the queue. */
function collectSummaries(context: INestApplicationContext): RunSummary[] {
  const runner = context.get(PlayoutRunner);
  const summaries: RunSummary[] = [];
  const run = runner.run.bind(runner);
  runner.run = (payload) =>
    run(payload).then((summary) => {
      summaries.push(summary);
      return summary;
    });
  return summaries;
}

export interface PlaysSpec {
  communes: readonly string[];
  playsPerCommune: number;
  /** The first play starts this long from now. */
  firstStartMs: number;
}

const PLAYS: PlaysSpec = {
  communes: COMMUNES,
  playsPerCommune: PLAYS_PER_COMMUNE,
  firstStartMs: FIRST_START_MS,
};

async function seedPlays(
  context: INestApplicationContext,
  mediaDir: string,
  spec: PlaysSpec,
): Promise<ScheduleItem[]> {
  const db = context.get(Db);
  const now = new Date();
  const items: ScheduleItem[] = [];
  for (const [index, communeCode] of spec.communes.entries()) {
    const audioId = randomUUID();
    const path = mediaPaths.rendition(mediaDir, audioId);
    mkdirSync(dirname(path), { recursive: true });
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${440 + index * 110}:duration=${ITEM_MS / 1000}`,
      '-ac',
      '1',
      '-b:a',
      '128k',
      '-y',
      path,
    ]);
    const bulletinId = randomUUID();
    await db.write(async (manager) => {
      await manager.insert(AudioAsset, {
        id: audioId,
        ownerCode: communeCode,
        communeCode,
        provinceCode: '38',
        sha256: randomBytes(32).toString('hex'),
        source: 'upload',
        originalBytes: 1,
        status: 'ready',
        progress: 100,
        durationMs: ITEM_MS,
        attempts: 1,
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(Bulletin, {
        id: bulletinId,
        ownerCode: communeCode,
        communeCode,
        provinceCode: '38',
        title: 'Tin ngắn chuyển đổi số',
        body: null,
        audioId,
        priority: 'normal',
        status: 'approved',
        approvedBy: null,
        approvedAt: now,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
        demo: false,
      });
      await manager.insert(BulletinTopic, { bulletinId, topicCode: 'kinh-te-so' });
    });
    const firstStart = Date.now() + spec.firstStartMs + index * 600;
    const rows: ScheduleItem[] = Array.from({ length: spec.playsPerCommune }, (_, play) => {
      const startsAt = new Date(firstStart + play * SPACING_MS);
      return {
        id: randomUUID(),
        communeCode,
        bulletinId,
        startsAt,
        endsAt: new Date(startsAt.getTime() + ITEM_MS),
        durationMs: ITEM_MS,
        status: 'planned',
        source: 'manual',
        zones: null,
        cancelReason: null,
        title: 'Bản tin đo tải',
        priority: 'normal',
        topics: ['kinh-te-so'],
        revision: 0,
        createdBy: null,
        createdAt: now,
        updatedAt: now,
        demo: false,
      };
    });
    await db.write((manager) => manager.insert(ScheduleItem, rows));
    items.push(...rows);
  }
  return items;
}

export interface PlayResults {
  /** startedAt − planned start of each play that aired, ms. */
  startErrors: number[];
  /** Plays that did not air (missed, failed, or no record yet once the last should have ended). */
  notAired: number;
  /** Why they did not air, counted. */
  notAiredWhy?: string[];
}

/**
 * Plays seeded now on the program log (`ITEM_MS` long, `SPACING_MS` apart), measured once the
 * last has ended: the start error of each, as the as-run log says (startedAt − planned start).
 */
export async function playResults(
  context: INestApplicationContext,
  mediaDir: string,
  spec: PlaysSpec = PLAYS,
): Promise<PlayResults> {
  const seeded = await seedPlays(context, mediaDir, spec);
  const lastEnd = Math.max(...seeded.map((item) => item.endsAt.getTime()));
  await sleep(lastEnd - Date.now() + 3000);
  const db = context.get(Db);
  // On a saturated machine the last records may come later: wait for them up to 30 s more.
  for (let waited = 0; waited < 30000; waited += 1000) {
    const recorded = await db.manager.countBy(PlayoutRecord, {
      scheduleItemId: In(seeded.map((item) => item.id)),
    });
    if (recorded >= seeded.length) break;
    await sleep(1000);
  }
  // The rows as stored: a bulk insert may hand the objects it was given back with their
  // generated columns (the ids among them) matched to the wrong rows, on SQLite.
  const items = await db.manager.findBy(ScheduleItem, { id: In(seeded.map((item) => item.id)) });
  const records = await db.manager.findBy(PlayoutRecord, {
    scheduleItemId: In(items.map((item) => item.id)),
  });
  const byItem = new Map(records.map((record) => [record.scheduleItemId, record]));
  const aired = items.filter((item) => byItem.get(item.id)?.outcome === 'aired');
  const why = new Map<string, number>();
  for (const item of items) {
    const record = byItem.get(item.id);
    if (record?.outcome === 'aired') continue;
    const key = record ? `${record.outcome}: ${record.reason ?? ''}` : 'no record';
    why.set(key, (why.get(key) ?? 0) + 1);
  }
  return {
    notAiredWhy: [...why].map(([reason, count]) => `${count} × ${reason}`),
    startErrors: aired.map(
      (item) => byItem.get(item.id)!.startedAt.getTime() - item.startsAt.getTime(),
    ),
    notAired: items.length - aired.length,
  };
}

/** Start errors of plays that must all air. */
async function measurePlays(context: INestApplicationContext, mediaDir: string): Promise<number[]> {
  const { startErrors, notAired, notAiredWhy } = await playResults(context, mediaDir);
  if (notAired > 0) {
    const why = (notAiredWhy ?? []).join('; ');
    throw new Error(`${notAired} of ${notAired + startErrors.length} plays did not air: ${why}`);
  }
  return startErrors;
}

/** The same number of BullMQ delayed jobs alone: how late does a job start after its delay? */
async function measureDelayedJobs(redisUrl: string, prefix: string): Promise<number[]> {
  const url = new URL(redisUrl);
  const connection = {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
  const name = 'bench-delayed';
  const queue = new Queue(name, { connection, prefix });
  const lateness: number[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolveDone) => (finished = resolveDone));
  const worker = new Worker(
    name,
    (job: Job<{ dueAt: number }>) => {
      lateness.push(Date.now() - job.data.dueAt);
      if (lateness.length === BULL_JOBS) finished();
      return Promise.resolve();
    },
    { connection, prefix, concurrency: 50 },
  );
  try {
    const first = Date.now() + 3000;
    await queue.addBulk(
      Array.from({ length: BULL_JOBS }, (_, index) => {
        const dueAt = first + index * 150;
        return {
          name: 'tick',
          data: { dueAt },
          opts: { delay: dueAt - Date.now(), removeOnComplete: true },
        };
      }),
    );
    await Promise.race([done, sleep(3000 + BULL_JOBS * 150 + 20000)]);
    return lateness;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

function row(name: string, d: Distribution): string {
  return `| ${name} | ${d.count} | ${d.p50} | ${d.p99} | ${d.max} | ${d.min} |`;
}

interface Phase {
  plays: Distribution;
  /** How long before its planned start each play was placed on the output. */
  placedAhead: Distribution;
  /** Plays that started later than the goal's max: placed in time (their audio came late) or not. */
  late: { count: number; placedInTime: number; placedLate: number };
  /** When each play's first sample was handed to the sink, against the instant it airs. */
  arrivals: Distribution;
  bull: Distribution;
  loadBefore: number;
  loadAfter: number;
}

/** 200 plays and the BullMQ baseline under `load` (started before, stopped after). */
async function measurePhase(load: () => { stop(): void }[]): Promise<Phase> {
  const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-playout-'));
  const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
  const mediaDir = join(dir, 'media');
  const loads = load();
  const context = await NestFactory.createApplicationContext(
    AppModule.register({
      env: benchEnv(dir, prefix, {
        APP_ROLES: 'worker,scheduler',
        PLAYOUT_SINK: 'null',
        PLAYOUT_RECONCILE_SECONDS: '2',
      }),
    }),
    { logger: ['error'] },
  );
  try {
    const summaries = collectSummaries(context);
    const loadBefore = loadavg()[0];
    const plays = distribution(await measurePlays(context, mediaDir));
    const arrivals = summaries
      .filter((summary) => summary.action === 'aired' && summary.arrivalMs !== undefined)
      .map((summary) => Math.round(summary.arrivalMs!));
    const placedAhead = summaries
      .filter((summary) => summary.action === 'aired' && summary.placedAheadMs !== undefined)
      .map((summary) => Math.round(summary.placedAheadMs!));
    const lateOnes = summaries.filter(
      (summary) => summary.action === 'aired' && (summary.startErrorMs ?? 0) > GOAL.max,
    );
    const placedInTime = lateOnes.filter(
      (summary) => (summary.placedAheadMs ?? 0) >= LEAD_MS,
    ).length;
    const late = {
      count: lateOnes.length,
      placedInTime,
      placedLate: lateOnes.length - placedInTime,
    };
    const bull = distribution(await measureDelayedJobs(BENCH_REDIS_URL, prefix));
    const loadAfter = loadavg()[0];
    return {
      late,
      plays,
      placedAhead: distribution(placedAhead),
      arrivals: distribution(arrivals),
      bull,
      loadBefore,
      loadAfter,
    };
  } finally {
    for (const each of loads) each.stop();
    await context.close();
    await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function phaseRows(name: string, phase: Phase): string[] {
  return [
    row(`${name}: output start error (sample position − planned start)`, phase.plays),
    row(`${name}: first audio handed to the sink − its air instant`, phase.arrivals),
    row(`${name}: placed on the output before its start`, phase.placedAhead),
    row(`${name}: BullMQ delayed job alone (start − due)`, phase.bull),
  ];
}

/** Where the late starts of a run come from (measured: when each was placed, against the lead). */
function lateLine(name: string, phase: Phase): string {
  return (
    `${name}: ${phase.late.count} plays started more than ${GOAL.max} ms late; ` +
    `${phase.late.placedInTime} of them were placed on the output at least the lead ` +
    `(${LEAD_MS} ms) before their start, so their first audio came late (the decoder ` +
    `had none at their position), ${phase.late.placedLate} were placed later than that.`
  );
}

/** `npm run bench -- playout`: start errors of real plays with the null sink, against BullMQ. */
export const playoutBenchmark: Benchmark = {
  id: 'playout',
  title: 'Playout start error: 200 plays on a busy machine, against BullMQ delayed jobs',
  async run(): Promise<string> {
    const loadAtStart = loadavg()[0];
    const oneCore = LOADED_ONLY ? null : await measurePhase(() => [busyAudioCore()]);
    const loaded = await measurePhase(() => [busyAudioCore(), busyCpuCore()]);
    const met = (phase: Phase) =>
      phase.plays.p99 <= GOAL.p99 && phase.plays.max <= GOAL.max ? 'met' : 'not met';
    const phases = oneCore
      ? 'Two runs: one core'
      : 'One run (BENCH_PLAYOUT_PHASES=loaded): both cores';
    return [
      `${loaded.plays.count} plays a run of ${ITEM_MS / 1000} s items on ${COMMUNES.length} communes ` +
        `(${PLAYS_PER_COMMUNE} each, ${SPACING_MS / 1000} s apart; BENCH_PLAYOUT_PLAYS) through the real path: ` +
        "program log → dispatcher → BullMQ delayed job → player (each commune's next items " +
        "claimed ahead, `PLAYOUT_CLAIM_AHEAD_MS`) → the commune's continuous " +
        'output (`null` sink: one ffmpeg a commune, open all along, silence between items), ' +
        'preroll 3000 ms, output lead `PLAYOUT_OUTPUT_LEAD_MS` 500 ms. The output start error ' +
        "is where the item's first sample sits in the output against its planned instant (the " +
        "as-run record's `startedAt` is that position's instant); beside it, when the chunk " +
        'holding that sample was written to the sink against the instant it airs (negative: ' +
        'ahead, as it should be; positive: the writer was late and the output had a gap), and ' +
        'how long before its start each play was placed on the output. ' +
        `${phases} kept busy by ffmpeg loudness analysis and MP3 encoding (the audio ` +
        "queue's work)" +
        (oneCore
          ? '; then both cores, the same ffmpeg work plus a CPU-bound process at normal priority. '
          : ' plus a CPU-bound process at normal priority. ') +
        `In each run, the baseline: ${BULL_JOBS} BullMQ delayed jobs alone, ` +
        "lateness of the job's start after its due time.",
      '',
      '| ms | n | p50 | p99 | max | min |',
      '|---|---|---|---|---|---|',
      ...(oneCore ? phaseRows('One core busy', oneCore) : []),
      ...phaseRows('Both cores busy', loaded),
      '',
      ...(oneCore ? [lateLine('One core busy', oneCore)] : []),
      lateLine('Both cores busy', loaded),
      '',
      `Goal: p99 ≤ ${GOAL.p99} ms and max ≤ ${GOAL.max} ms — ` +
        (oneCore ? `one core busy: **${met(oneCore)}**; ` : '') +
        `both cores busy: **${met(loaded)}**.`,
      '',
      `Machine load (1-minute load average on ${cpus().length} cores): ${loadAtStart.toFixed(1)} ` +
        'when the bench began; ' +
        (oneCore
          ? `${oneCore.loadBefore.toFixed(1)} before and ${oneCore.loadAfter.toFixed(1)} after the one-core run, `
          : '') +
        `${loaded.loadBefore.toFixed(1)} before and ${loaded.loadAfter.toFixed(1)} after the ` +
        'loaded run (the machine is shared: other work adds to the load the bench makes).',
    ].join('\n');
  },
};
