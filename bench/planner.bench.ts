import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppModule } from '../src/app.module';
import { AuthUser } from '../src/auth/auth-user';
import { BulletinTopic } from '../src/bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../src/bulletins/entities/bulletin.entity';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { newId } from '../src/common/ids';
import { ManualClock } from '../src/common/manual-clock';
import { APP_CONFIG, AppConfig } from '../src/config/app-config';
import { Db } from '../src/database/db.service';
import { GeoService } from '../src/geo/geo.service';
import { AudioAsset } from '../src/media/entities/audio-asset.entity';
import { PlayoutDispatcher } from '../src/playout/playout-dispatcher.service';
import { BroadcastWindow } from '../src/schedule/entities/broadcast-window.entity';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { PlanService } from '../src/schedule/plan.service';
import { planCampaign, PlannerBulletin } from '../src/schedule/planner';
import { ProgramLogRepository } from '../src/schedule/program-log.repository';
import { WindowSpec } from '../src/schedule/window-time';
import { Benchmark } from './bench.types';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv } from './bench-support';

const PROVINCE = '38';
const CAMPAIGN = { campaign: 'cds-2025', from: '2025-10-01', to: '2025-10-31' };
const BULLETINS_PER_COMMUNE = 20;
const GOAL_SECONDS = 1;
const REQUIRED = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];
const SEED_CHUNK = 300;
const ROUNDS = 3;

const ACTOR: AuthUser = {
  id: randomUUID(),
  username: 'bench',
  role: 'admin',
  communeCode: null,
  provinceCode: null,
};

interface CommuneInput {
  windows: WindowSpec[];
  bulletins: PlannerBulletin[];
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

async function insertChunked<T extends object>(
  db: Db,
  entity: new () => T,
  rows: QueryDeepPartialEntity<T>[],
): Promise<void> {
  await db.write(async (manager) => {
    for (let index = 0; index < rows.length; index += SEED_CHUNK) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(entity)
        .values(rows.slice(index, index + SEED_CHUNK))
        .updateEntity(false)
        .execute();
    }
  });
}

/** Two daily 30-minute windows and 20 approved bulletins with ready audio for every commune. */
async function seed(db: Db, communes: string[], now: Date): Promise<Map<string, CommuneInput>> {
  const inputs = new Map<string, CommuneInput>();
  const windows: QueryDeepPartialEntity<BroadcastWindow>[] = [];
  const audio: QueryDeepPartialEntity<AudioAsset>[] = [];
  const bulletins: QueryDeepPartialEntity<Bulletin>[] = [];
  const topics: QueryDeepPartialEntity<BulletinTopic>[] = [];
  for (const communeCode of communes) {
    const input: CommuneInput = { windows: [], bulletins: [] };
    inputs.set(communeCode, input);
    for (const [name, startTime] of [
      ['Sáng', '05:30'],
      ['Chiều', '17:00'],
    ]) {
      const window = {
        id: randomUUID(),
        name,
        daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
        startTime,
        durationMinutes: 30,
        validFrom: null,
        validTo: null,
      };
      input.windows.push(window);
      windows.push({
        ...window,
        communeCode,
        createdBy: ACTOR.id,
        createdAt: now,
        updatedAt: now,
        demo: true,
      });
    }
    for (let index = 0; index < BULLETINS_PER_COMMUNE; index += 1) {
      const audioId = randomUUID();
      const bulletinId = randomUUID();
      const durationMs = 25000 + ((index * 7919) % 66) * 1000;
      const approvedAt = new Date(now.getTime() - index * 60000);
      const codes = [
        REQUIRED[index % REQUIRED.length],
        ...(index % 5 === 0 ? ['ngay-cds-quoc-gia'] : []),
      ];
      audio.push({
        id: audioId,
        ownerCode: communeCode,
        communeCode,
        provinceCode: PROVINCE,
        sha256: randomBytes(32).toString('hex'),
        source: 'upload',
        originalName: null,
        originalBytes: durationMs * 16,
        status: 'ready',
        progress: 100,
        durationMs,
        createdAt: now,
        updatedAt: now,
        readyAt: now,
      });
      bulletins.push({
        id: bulletinId,
        ownerCode: communeCode,
        communeCode,
        provinceCode: PROVINCE,
        title: `Bản tin chuyển đổi số số ${index + 1}`,
        body: null,
        audioId,
        priority: 'normal',
        status: 'approved',
        approvedBy: ACTOR.id,
        approvedAt,
        createdBy: ACTOR.id,
        createdAt: now,
        updatedAt: now,
        demo: true,
      });
      for (const topicCode of codes) topics.push({ bulletinId, topicCode });
      input.bulletins.push({
        id: bulletinId,
        topics: codes,
        durationMs,
        library: false,
        approvedAt: approvedAt.getTime(),
      });
    }
  }
  await insertChunked(db, BroadcastWindow, windows);
  await insertChunked(db, AudioAsset, audio);
  await insertChunked(db, Bulletin, bulletins);
  await insertChunked(db, BulletinTopic, topics);
  return inputs;
}

interface Round {
  totalMs: number;
  cpuMs: number;
  perCommune: number[];
  shortfalls: number;
}

/** Plans every commune once, one request after another (with `dryRun`, nothing is written). */
async function planProvince(
  planner: PlanService,
  communes: readonly string[],
  dryRun = false,
): Promise<Round> {
  const perCommune: number[] = [];
  let shortfalls = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const code of communes) {
    const before = process.hrtime.bigint();
    const plan = await planner.plan(code, { ...CAMPAIGN, dryRun }, ACTOR);
    perCommune.push(elapsedMs(before));
    shortfalls += plan.shortfalls.length;
  }
  const totalMs = elapsedMs(started);
  const cpu = process.cpuUsage(cpuBefore);
  return { totalMs, cpuMs: (cpu.user + cpu.system) / 1000, perCommune, shortfalls };
}

async function measure(context: INestApplicationContext, clock: ManualClock): Promise<string> {
  const db = context.get(Db);
  const planner = context.get(PlanService);
  const programLog = context.get(ProgramLogRepository);
  const config = context.get<AppConfig>(APP_CONFIG);
  const campaign = await context.get(CampaignsService).get(CAMPAIGN.campaign);
  const communes = context
    .get(GeoService)
    .communesOf(PROVINCE)
    .map((commune) => commune.code);
  const inputs = await seed(db, communes, clock.now());

  // The algorithm alone, in memory, on the same input.
  const pureStarted = process.hrtime.bigint();
  for (const code of communes) {
    const input = inputs.get(code);
    planCampaign({
      from: CAMPAIGN.from,
      to: CAMPAIGN.to,
      now: clock.nowMs(),
      windows: input?.windows ?? [],
      existing: [],
      bulletins: input?.bulletins ?? [],
      targets: campaign,
      gapMs: config.schedule.gapSeconds * 1000,
      maxPlaysPerBulletinPerDay: config.schedule.maxPlaysPerBulletinPerDay,
    });
  }
  const pureMs = elapsedMs(pureStarted);

  // What the operators' requests do: read, lock, plan and write, one transaction per commune.
  // Three rounds on the same data, the log emptied between them (not timed); the median is kept.
  const dispatcher = context.get(PlayoutDispatcher);
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round > 0) await db.write((manager) => manager.query('DELETE FROM schedule_item'));
    rounds.push(await planProvince(planner, communes));
    // The dispatcher's work on the plans' changes, finished before anything else is timed.
    await dispatcher.reconcile();
  }
  // The same requests as dry runs on the empty log: every read and the planning, no write.
  await db.write((manager) => manager.query('DELETE FROM schedule_item'));
  const dryRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    dryRuns.push((await planProvince(planner, communes, true)).totalMs);
  }
  const dryRunMs = [...dryRuns].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  const byTime = [...rounds].sort((a, b) => a.totalMs - b.totalMs);
  const { totalMs, cpuMs, perCommune, shortfalls } = byTime[Math.floor(byTime.length / 2)];

  // The province in one request (`PlanService.planProvince`): the same plans in one transaction.
  const provinceRounds: Round[] = [];
  let provinceItems = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    await db.write((manager) => manager.query('DELETE FROM schedule_item'));
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const plan = await planner.planProvince(PROVINCE, CAMPAIGN, ACTOR);
    const roundMs = elapsedMs(started);
    const cpu = process.cpuUsage(cpuBefore);
    provinceItems = plan.itemCount;
    provinceRounds.push({
      totalMs: roundMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      perCommune: [],
      shortfalls: plan.communes.reduce(
        (sum, line) => sum + line.shortfallGroups.reduce((count, group) => count + group.count, 0),
        0,
      ),
    });
    await dispatcher.reconcile();
  }
  const province = [...provinceRounds].sort((a, b) => a.totalMs - b.totalMs)[
    Math.floor(ROUNDS / 2)
  ];

  await db.write((manager) => manager.query('DELETE FROM schedule_item'));
  await planProvince(planner, communes);
  await dispatcher.reconcile();
  const planned = await db.manager.find(ScheduleItem);
  if (provinceItems !== planned.length || province.shortfalls !== shortfalls) {
    throw new Error(
      `The province's plan (${provinceItems} items, ${province.shortfalls} shortfalls) differs from the communes' plans (${planned.length}, ${shortfalls})`,
    );
  }

  // Baselines: the same rows (new ids, made as the service makes them) written raw into the same
  // table, one transaction per commune as the planner commits, then all in one transaction.
  const copy = (item: ScheduleItem): ScheduleItem => ({ ...item, id: newId(), demo: true });
  const byCommune = new Map<string, ScheduleItem[]>();
  for (const item of planned) {
    byCommune.set(item.communeCode, [...(byCommune.get(item.communeCode) ?? []), copy(item)]);
  }
  const perCommuneStarted = process.hrtime.bigint();
  for (const rows of byCommune.values()) {
    await db.write((manager) => programLog.insertMany(manager, rows));
  }
  const rawPerCommuneMs = elapsedMs(perCommuneStarted);
  const copies = planned.map(copy);
  const rawStarted = process.hrtime.bigint();
  await db.write((manager) => programLog.insertMany(manager, copies));
  const rawMs = elapsedMs(rawStarted);

  const sorted = [...perCommune].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const verdict = province.totalMs <= GOAL_SECONDS * 1000 ? 'met' : 'not met';
  return [
    `Plans \`${CAMPAIGN.campaign}\` (${CAMPAIGN.from} – ${CAMPAIGN.to}: 31 days, four required`,
    'topics at 600 s and 7 plays a week, 300 s of campaign airtime a day) for each of the 166',
    'communes of Thanh Hóa on SQLite, two ways: the province in one request',
    '(`PlanService.planProvince`, `POST /provinces/38/schedule/plan`, since 2026-12-05: every',
    'commune planned as its own plan would, in one transaction), and one commune a request, one',
    'after another through `PlanService.plan`, as the operators’ requests would: read bulletins,',
    'windows and the log, lock the commune, plan, write the items, commit. Both make the same',
    `items (checked: the same count and shortfalls). Each commune has two daily 30-minute windows and ${BULLETINS_PER_COMMUNE}`,
    'approved bulletins of 25–90 s. Whatever listens to program-log changes (the playout',
    'dispatcher) runs in the same process during the measurement, as it would in the service.',
    `Each way plans the province ${ROUNDS} times over, the program log emptied between rounds; the`,
    'table gives the median round. The goal is judged on the province in one request.',
    '',
    `Machine load (1-minute average) when the run started: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; the wall-clock figures grow with it, the CPU time much less.`,
    '',
    'Where the time goes one commune a request (a CPU profile of one round, `node --cpu-prof`, and the time each SQL',
    'statement took to answer, 2026-12-03 at load ~3): of ~2.2 s, about 1.1 s the main thread',
    'waits for SQLite (its own thread): the INSERT of a commune’s ~149 rows (14 columns, four',
    'index entries and a foreign-key check each) ~3.2 ms, the COMMIT with its sync ~1.9 ms, the',
    'seven reads ~3 ms together; the JavaScript in between (TypeORM building queries and',
    'entities ~0.13 s, the planner and its date arithmetic ~0.1 s, the dispatcher’s reaction to',
    'each plan, garbage collection) makes up the rest. The raw insert of the same rows, one',
    'transaction per commune (below), is therefore most of the floor: the dry runs (every read',
    'and the planning, nothing written) plus that raw insert is what this design cannot go',
    'under with one transaction per request, and it is above 1 s on this machine. Going under',
    'it would take writing less per item (fewer indexes on `schedule_item`) or committing',
    'several communes’ plans together (not possible for one request after another), or',
    '`PRAGMA synchronous = NORMAL` (commits not synced: a power cut may lose the last plans).',
    '',
    'A second look (2026-12-04: a CPU profile of one round, and the CPU time of rounds taken in turns',
    'with the previous code, at load 8–11 on the 2 cores, so shares rather than seconds): of the main',
    'thread’s busy time, TypeORM’s JavaScript (building the reads and their entities) is ~21 %, the',
    'sqlite3 driver preparing statements and binding their values ~21 %, V8 itself (compiling,',
    'unattributed) ~20 %, garbage collection ~10 %, the planning ~9 %, the dispatcher and its Redis',
    'commands ~9 %, building the rows ~4 %; the INSERT and the COMMIT run on SQLite’s own thread.',
    'Since then a plan reads its province’s and its commune’s policy in one query; the change it',
    'announces carries each item’s start, so the dispatcher reads and queues only the items within',
    'its horizon (here the first morning’s, a few of a commune’s ~149; a plan in the past or far ahead',
    'costs it nothing); and the multi-row INSERT binds a value all its rows share (commune, status,',
    'author, times) once: 754 values for a plan instead of 2,086. Each saves a few per cent, within',
    'the noise of those rounds. The floor stays above 1 s: the dry runs alone take ~0.9 s (table) to 1.0 s of CPU',
    '(the reads through TypeORM and the planning, commune by commune), and each request then inserts',
    'and syncs its commit. Of the raw per-commune insert (~1.37 s of CPU at load 8.5), 0.35–0.5 s is',
    'the `(status, starts_at)` index alone (measured by dropping it: 0.82–1.0 s): a plan’s items,',
    'spread over the month, land on leaf pages all over that index, where `(commune_code, starts_at)`',
    'keeps them together. The playout dispatcher’s reconcile and the overdue tick find open items by',
    'that index, so it stays, and so does `synchronous`. Plain SQL for the reads would take off part',
    'of TypeORM’s share (~0.1–0.2 s), not the 1.7 s between 2.7 s and the goal.',
    '',
    'On the faster machine of 2026-12-05 (the raw inserts below take ~0.6 × the time they took on',
    '2026-12-04’s) two runs before this table’s took 2.00 and 1.97 s, their floors 1.76 and 1.92 s:',
    'the dry runs 0.87–0.88 s and the raw insert one commune a transaction 0.88–1.04 s, each close',
    'to the goal alone. The bulk inserts’ changes of',
    'that day (a shared value bound once for all of a statement’s rows, the VALUES text built once',
    'a statement) apply to the plan’s items too, within the noise here.',
    '',
    'The province in one request (2026-12-05 afternoon, a slower machine: one commune a request',
    'took 5.3–6.2 s, median of five runs, against 2.0–2.4 s that morning). What one commune a',
    'request cannot avoid, 166 synced commits and seven reads each, goes: the reads of all the',
    'communes are a few queries (bulletins and the library, devices, the log, policies, windows),',
    'the items of a commune are inserted on SQLite’s thread while the next communes are planned on',
    'the main thread, and one commit ends it: 1.65–1.93 s in two runs, and',
    '1.9–2.3 s before the INSERTs overlapped the planning. Its floor is the longer of the raw',
    'insert of the same rows in one transaction (below) and the main thread’s work: in a CPU',
    'profile of one round (2.3 s with the profiler on) the main thread was busy ~2.0 s (the',
    'planning and its date arithmetic ~0.7 s, V8 itself, unattributed, ~0.5 s, binding the',
    'INSERTs’ values ~0.3 s, TypeORM building the read entities ~0.2 s, garbage collection',
    '~0.2 s) and idle ~0.3 s, waiting for the last INSERTs and the commit. On that machine the raw',
    'insert alone takes as long as the goal; the ratio to it is the figure to compare across',
    'machines. On the machine of 2026-12-05 evening (2 × Intel Xeon; the raw insert in one',
    'transaction 0.28–0.32 s, the planning algorithm alone 0.23 s) the same code takes 0.48–0.58 s',
    'in four runs, 1.5–1.8× the raw insert as on the slower machine:',
    'the goal is met there. The request holds the single SQLite writer for the whole province',
    '(other writes wait up to ~2 s on the slower machine, ~0.6 s on the faster); between two',
    'communes the event loop turns, so players’ timers and reads go on.',
    '',
    'On a machine of 2026-12-05 night (2 × AMD EPYC; the raw insert in one transaction 0.61 s, the',
    'planning algorithm alone 0.29 s): the province in 0.80 s (rounds 0.69–0.82 s), 1.3× the raw',
    'insert: met.',
    '',
    'This table: 2026-12-05 from 23:47 UTC, 2 × Intel Xeon. Since the runs above, SQLite keeps the',
    'statements of the plain-SQL helpers prepared (`src/database/sqlite-statements.ts`, see the',
    'ingest), and an INSERT of more than 1,500 values of their own goes as several statements given',
    'at once to one prepared statement. In turns on this machine, the code before and after: the',
    'province 0.61 s → 0.54 s, one commune a request 2.46 s → 2.26 s (one run each).',
    '',
    'This table: 2026-12-07 13:34 UTC, 2 × AMD EPYC running about half as fast as in the morning',
    '(the raw insert in one transaction 0.66 s against 0.29 s then), the code of that afternoon:',
    'a planned item now keeps its own copy of its bulletin’s title and priority (two more columns',
    'a row) and the planner reads the policy’s breaches of the items already on the log. The',
    'province in 0.82 s, 1.3× the raw insert: met.',
    '',
    '| measure | value |',
    '|---|---|',
    `| communes planned / items written / shortfalls | ${communes.length} / ${planned.length} / ${shortfalls} |`,
    `| **the province in one request** (\`planProvince\`, median of ${ROUNDS} rounds) | **${seconds(province.totalMs)} s** (goal ≤ ${GOAL_SECONDS} s: ${verdict}) |`,
    `| its rounds | ${provinceRounds.map((round) => `${seconds(round.totalMs)} s`).join(' / ')} |`,
    `| CPU time of this process during the province’s plan | ${seconds(province.cpuMs)} s |`,
    `| one commune a request, 166 requests (\`plan\`, median of ${ROUNDS} rounds) | ${seconds(totalMs)} s |`,
    `| their rounds | ${rounds.map((round) => `${seconds(round.totalMs)} s`).join(' / ')} |`,
    `| CPU time of this process during the communes’ requests | ${seconds(cpuMs)} s |`,
    `| per commune: median / slowest | ${median.toFixed(1)} ms / ${sorted[sorted.length - 1].toFixed(1)} ms |`,
    `| the planning algorithm alone, in memory (\`planCampaign\`) | ${seconds(pureMs)} s |`,
    `| baseline: raw insert of the same rows, one transaction per commune | ${seconds(rawPerCommuneMs)} s |`,
    `| baseline: raw insert of the same rows, one transaction | ${seconds(rawMs)} s |`,
    `| the province’s plan ÷ raw insert in one transaction | ${(province.totalMs / rawMs).toFixed(1)}× |`,
    `| one commune a request ÷ raw insert per commune | ${(totalMs / rawPerCommuneMs).toFixed(1)}× |`,
    `| the same requests as dry runs: every read and the planning, nothing written (median of ${ROUNDS}) | ${seconds(dryRunMs)} s |`,
    `| floor of one commune a request: dry runs + raw insert per commune | ${seconds(dryRunMs + rawPerCommuneMs)} s |`,
  ].join('\n');
}

/** `npm run bench -- planner`: the campaign planner for a whole province, against raw inserts. */
export const plannerBenchmark: Benchmark = {
  id: 'planner',
  title: 'Campaign planner: 31 days for the 166 communes of Thanh Hóa',
  async run(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-planner-'));
    const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
    const clock = new ManualClock('2025-09-30T12:00:00+07:00');
    const context = await NestFactory.createApplicationContext(
      AppModule.register({
        clock,
        env: benchEnv(dir, prefix, { APP_ROLES: 'api' }),
      }),
      { logger: false },
    );
    try {
      return await measure(context, clock);
    } finally {
      await context.close();
      await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
