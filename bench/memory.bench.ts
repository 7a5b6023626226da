import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addDays, eachDate, localDateTime } from '../src/common/local-time';
import { DEMO_COMMUNE, DEMO_HISTORY_ONLY } from '../src/demo/demo-content';
import { parseAdminUnits } from '../src/geo/admin-units';
import { ADMIN_UNITS_FILE } from '../src/geo/geo.service';
import { RawProvince } from '../src/geo/geo.types';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv, startSettings, startSettingsText } from './bench-support';
import { Benchmark } from './bench.types';
import type { ReporterAnswer, ReporterAsk } from './memory-reporter';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const REPORTER = join(ROOT, 'dist-bench', 'bench', 'memory-reporter.js');
const PROVINCE = '38';
const FROM = '2025-10-01';
const TO = '2025-10-31';
const RECORDS_PER_DAY = 30;
const DAYS_PER_BATCH = 10;
const GOAL_MB = 150;
const MB = 1024 * 1024;
/** The soak under load, minutes: BENCH_MEMORY_MINUTES, 10 by default. */
const SOAK_MINUTES = Number(process.env.BENCH_MEMORY_MINUTES ?? 10);
const IDLE_MS = 60_000;
const SAMPLE_MS = 5_000;
/** During the soak, to each HTTP process: an as-run batch (a commune-day) and a report, every … */
const BATCH_EVERY_MS = 1_000;
const REPORT_EVERY_MS = 5_000;

const TOPIC_SETS = [
  ['chinh-quyen-so'],
  ['kinh-te-so'],
  ['xa-hoi-so'],
  ['mo-hinh-2-cap'],
  ['chinh-quyen-so', 'mo-hinh-2-cap'],
  ['kinh-te-so', 'xa-hoi-so'],
  ['ngay-cds-quoc-gia', 'xa-hoi-so'],
];

interface PostedRecord {
  outcome: 'aired' | 'partial' | 'missed';
  title: string;
  topics: string[];
  startedAt: string;
  endedAt?: string;
  playedMs?: number;
  reason?: string;
}

/** A commune's records for some days: 30 a day, 20 minutes apart from 05:30 (the end of the default quiet hours), 1–5 minutes each. */
function recordsOf(commune: number, dates: readonly string[]): PostedRecord[] {
  const records: PostedRecord[] = [];
  for (const [day, date] of dates.entries()) {
    for (let index = 0; index < RECORDS_PER_DAY; index += 1) {
      const n = commune * 7919 + day * 104729 + index * 15485863 + date.charCodeAt(9);
      const startedAt = localDateTime(date, 5 * 60 + 30 + index * 20);
      const spanMs = 60_000 + (n % 240) * 1000;
      const base = {
        title: `Bản tin chuyển đổi số số ${(n % 40) + 1}`,
        topics: TOPIC_SETS[(n >> 3) % TOPIC_SETS.length],
        startedAt: startedAt.toISOString(),
      };
      const endedAt = new Date(startedAt.getTime() + spanMs).toISOString();
      if (n % 100 < 3) records.push({ ...base, outcome: 'missed', reason: 'Mất điện' });
      else if (n % 100 < 88) records.push({ ...base, outcome: 'aired', endedAt, playedMs: spanMs });
      else records.push({ ...base, outcome: 'partial', endedAt, playedMs: Math.floor(spanMs / 3) });
    }
  }
  return records;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A service process of the built service, with the memory reporter preloaded. */
class ServiceUnderTest {
  readonly child: ChildProcess;
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: ReporterAnswer) => void>();

  constructor(
    readonly role: string,
    readonly env: NodeJS.ProcessEnv,
    readonly port: number | null,
  ) {
    const flags = [...startSettings.NODE_FLAGS, '--expose-gc', '-r', REPORTER, MAIN];
    this.child = spawn(process.execPath, flags, {
      cwd: ROOT,
      env: startSettings.serviceEnv(env),
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (answer: ReporterAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  ask(request: ReporterAsk): Promise<ReporterAnswer> {
    const id = (this.nextId += 1);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${this.role} did not answer`)), 120_000);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        done(answer);
      });
      this.child.send({ ...request, id });
    });
  }

  /** Until the health route answers 200 (HTTP roles), or the reporter answers (the others). */
  async ready(): Promise<void> {
    const started = Date.now();
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`${this.role} exited while starting`);
      if (Date.now() - started > 180_000) throw new Error(`${this.role} never became ready`);
      if (this.port === null) {
        await sleep(3000);
        await this.ask({ kind: 'sample', collect: false });
        return;
      }
      const status = await fetch(`http://127.0.0.1:${this.port}/api/v1/health`)
        .then((response) => response.status)
        .catch(() => 0);
      if (status === 200) return;
      await sleep(200);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

interface Sample {
  atMs: number;
  phase: 'idle' | 'load' | 'after';
  rssMb: number;
  heapMb: number;
  /** The most RSS the process had had by then (the kernel's maximum, between samples too). */
  maxRssMb: number;
}

interface RoleResult {
  role: string;
  samples: Sample[];
  /** Heap used after a full collection: at the start and the end of the load, and after it. */
  collected: { beforeLoad: number; endOfLoad: number; after: number };
  rssAfterCollect: { beforeLoad: number; endOfLoad: number; after: number };
  snapshots: string[];
}

async function login(port: number, env: NodeJS.ProcessEnv): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD }),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`login refused: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function postBatch(
  port: number,
  token: string,
  commune: string,
  records: PostedRecord[],
): Promise<number> {
  const response = await fetch(
    `http://127.0.0.1:${port}/api/v1/communes/${commune}/playout-log/batch`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ records }),
    },
  );
  await response.arrayBuffer();
  return response.status;
}

async function getReport(port: number, token: string): Promise<number> {
  const response = await fetch(
    `http://127.0.0.1:${port}/api/v1/reports/compliance?campaign=cds-2025&province=${PROVINCE}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  await response.arrayBuffer();
  return response.status;
}

/** The communes the ingest writes to: the province's, but those the demo gave a history. */
function ingestCommunes(all: readonly string[]): string[] {
  const demo = new Set([DEMO_COMMUNE, ...DEMO_HISTORY_ONLY.map((commune) => commune.code)]);
  return all.filter((code) => !demo.has(code));
}

interface Load {
  batches: Record<string, number>;
  reports: Record<string, number>;
}

/**
 * Until `until`: an as-run batch (one commune, one day from `firstDay` on) every BATCH_EVERY_MS
 * and the province report every REPORT_EVERY_MS, to the process on `port`, one at a time each.
 */
async function drive(
  port: number,
  token: string,
  communes: readonly string[],
  firstDay: string,
  until: number,
): Promise<Load> {
  const load: Load = { batches: {}, reports: {} };
  const count = (into: Record<string, number>, status: number) =>
    (into[status] = (into[status] ?? 0) + 1);
  const ingest = async () => {
    for (let n = 0; Date.now() < until; n += 1) {
      const started = Date.now();
      const commune = n % communes.length;
      const date = addDays(firstDay, Math.floor(n / communes.length));
      count(
        load.batches,
        await postBatch(port, token, communes[commune], recordsOf(commune, [date])),
      );
      await sleep(Math.max(0, BATCH_EVERY_MS - (Date.now() - started)));
    }
  };
  const report = async () => {
    while (Date.now() < until) {
      const started = Date.now();
      count(load.reports, await getReport(port, token));
      await sleep(Math.max(0, REPORT_EVERY_MS - (Date.now() - started)));
    }
  };
  await Promise.all([ingest(), report()]);
  return load;
}

function toSample(answer: ReporterAnswer, phase: Sample['phase'], startedAt: number): Sample {
  return {
    atMs: Date.now() - startedAt,
    phase,
    rssMb: answer.rss / MB,
    heapMb: answer.heapUsed / MB,
    maxRssMb: answer.maxRss / MB,
  };
}

/** Samples every process every SAMPLE_MS until `until`. */
async function sampleUntil(
  services: readonly ServiceUnderTest[],
  samples: Map<string, Sample[]>,
  phase: Sample['phase'],
  startedAt: number,
  until: number,
): Promise<void> {
  while (Date.now() < until) {
    const answers = await Promise.all(
      services.map((service) => service.ask({ kind: 'sample', collect: false })),
    );
    answers.forEach((answer, index) =>
      samples.get(services[index].role)!.push(toSample(answer, phase, startedAt)),
    );
    await sleep(Math.min(SAMPLE_MS, Math.max(0, until - Date.now())));
  }
}

const mb = (value: number) => `${value.toFixed(0)} MB`;

async function prepare(dir: string, prefix: string): Promise<{ records: number; seconds: number }> {
  const port = await freePort();
  const env = { ...process.env, ...benchEnv(dir, prefix, { PORT: String(port) }) };
  const demo = spawnSync(process.execPath, [join(ROOT, 'dist', 'demo', 'demo.cli.js')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (demo.status !== 0) throw new Error(`the demo failed:\n${demo.stdout}\n${demo.stderr}`);
  const service = new ServiceUnderTest('prepare', env, port);
  try {
    await service.ready();
    const token = await login(port, env);
    const communes = ingestCommunes(provinceCommunes());
    const dates = eachDate(FROM, TO);
    const started = Date.now();
    let records = 0;
    for (const [index, commune] of communes.entries()) {
      for (let day = 0; day < dates.length; day += DAYS_PER_BATCH) {
        const batch = recordsOf(index, dates.slice(day, day + DAYS_PER_BATCH));
        const status = await postBatch(port, token, commune, batch);
        if (status !== 201) throw new Error(`a batch was refused: ${status}`);
        records += batch.length;
      }
    }
    return { records, seconds: (Date.now() - started) / 1000 };
  } finally {
    await service.stop();
  }
}

/** The province's commune codes, from the service's own data set. */
function provinceCommunes(): string[] {
  const raw = JSON.parse(
    readFileSync(join(ROOT, 'config', ADMIN_UNITS_FILE), 'utf8'),
  ) as RawProvince[];
  return parseAdminUnits(raw)
    .communes.filter((commune) => commune.provinceCode === PROVINCE)
    .map((commune) => commune.code);
}

/** Copies the prepared database (closed, so no WAL is left) for one group of processes. */
function copyDatabase(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(join(from, `bench.sqlite${suffix}`))) {
      copyFileSync(join(from, `bench.sqlite${suffix}`), join(to, `bench.sqlite${suffix}`));
    }
  }
}

interface Group {
  name: string;
  services: ServiceUnderTest[];
  http: ServiceUnderTest;
  firstDay: string;
}

interface Verdict {
  /** The kernel's maximum RSS of the process over the whole run, spikes between samples too. */
  maxRssMb: number;
  /** The first sample that saw that maximum: it was reached since the sample before. */
  reachedBy: Sample;
  /** The sample with the most RSS. */
  peak: Sample;
  growthMb: number;
  ok: boolean;
}

/** The process's peak RSS, when it came, the heap's growth over the load, and whether the goal held. */
function verdictOf(result: RoleResult): Verdict {
  const peak = result.samples.reduce((top, sample) => (sample.rssMb > top.rssMb ? sample : top));
  const last = result.samples[result.samples.length - 1];
  const reachedBy = result.samples.find((sample) => sample.maxRssMb >= last.maxRssMb) ?? last;
  const growthMb = result.collected.endOfLoad - result.collected.beforeLoad;
  return { maxRssMb: last.maxRssMb, reachedBy, peak, growthMb, ok: last.maxRssMb <= GOAL_MB };
}

/** When a sample was taken, as minutes:seconds from the start of the measurement. */
function clockOf(sample: Sample): string {
  const seconds = Math.round(sample.atMs / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

async function measure(dir: string, prefixes: string[]): Promise<string> {
  const load = loadavg()[0];
  const prepared = join(dir, 'prepared');
  const prep = await prepare(prepared, prefixes[0]);
  const communes = ingestCommunes(provinceCommunes());

  // Two deployments at the same time, each on its own copy of the data and its own Redis
  // prefix: the three roles as three processes, and all three in one process.
  const groups: Group[] = [];
  const layouts: { name: string; roles: string[] }[] = [
    { name: 'split', roles: ['api', 'worker', 'scheduler'] },
    { name: 'one', roles: ['api,worker,scheduler'] },
  ];
  for (const [index, layout] of layouts.entries()) {
    const groupDir = join(dir, layout.name);
    copyDatabase(prepared, groupDir);
    const port = await freePort();
    const services = layout.roles.map((roles) => {
      const env = {
        ...process.env,
        ...benchEnv(groupDir, prefixes[index + 1], {
          PORT: String(port),
          APP_ROLES: roles,
          MEDIA_DIR: join(prepared, 'media'),
          CHECKPOINT_KEY_FILE: join(prepared, 'checkpoint-key.pem'),
        }),
      };
      const name = roles.includes(',') ? 'all three' : roles;
      return new ServiceUnderTest(name, env, roles.includes('api') ? port : null);
    });
    // November onwards, after the prepared month; the two groups write the same records.
    groups.push({ name: layout.name, services, http: services[0], firstDay: '2025-11-01' });
  }
  const all = groups.flatMap((group) => group.services);
  const samples = new Map(all.map((service) => [service.role, [] as Sample[]]));
  const collected = new Map(all.map((service) => [service.role, [] as ReporterAnswer[]]));
  const snapshots = new Map(all.map((service) => [service.role, [] as string[]]));
  const collect = async () => {
    const answers = await Promise.all(
      all.map((service) => service.ask({ kind: 'sample', collect: true })),
    );
    answers.forEach((answer, index) => collected.get(all[index].role)!.push(answer));
  };
  const snapshot = async (label: string) => {
    if (!process.env.BENCH_MEMORY_SNAPSHOTS) return;
    const folder = process.env.BENCH_MEMORY_SNAPSHOTS;
    mkdirSync(folder, { recursive: true });
    for (const service of all) {
      const path = join(folder, `${service.role.replace(/ /g, '-')}-${label}.heapsnapshot`);
      snapshots.get(service.role)!.push((await service.ask({ kind: 'snapshot', path })).snapshot!);
    }
  };
  let loads: Load[] = [];
  try {
    await Promise.all(all.map((service) => service.ready()));
    const startedAt = Date.now();
    await sampleUntil(all, samples, 'idle', startedAt, Date.now() + IDLE_MS);
    await collect();
    await snapshot('before-load');
    const tokens = await Promise.all(
      groups.map((group) => login(group.http.port!, group.http.env)),
    );
    const until = Date.now() + SOAK_MINUTES * 60_000;
    [loads] = await Promise.all([
      Promise.all(
        groups.map((group, index) =>
          drive(group.http.port!, tokens[index], communes, group.firstDay, until),
        ),
      ),
      sampleUntil(all, samples, 'load', startedAt, until),
    ]);
    await collect();
    await snapshot('end-of-load');
    await sampleUntil(all, samples, 'after', startedAt, Date.now() + IDLE_MS);
    await collect();
  } finally {
    await Promise.all(all.map((service) => service.stop()));
  }

  const results: RoleResult[] = all.map((service) => {
    const [beforeLoad, endOfLoad, after] = collected.get(service.role)!;
    return {
      role: service.role,
      samples: samples.get(service.role)!,
      collected: {
        beforeLoad: beforeLoad.heapUsed / MB,
        endOfLoad: endOfLoad.heapUsed / MB,
        after: after.heapUsed / MB,
      },
      rssAfterCollect: {
        beforeLoad: beforeLoad.rss / MB,
        endOfLoad: endOfLoad.rss / MB,
        after: after.rss / MB,
      },
      snapshots: snapshots.get(service.role)!,
    };
  });
  return report(results, loads, prep, load);
}

function report(
  results: RoleResult[],
  loads: Load[],
  prep: { records: number; seconds: number },
  load: number,
): string {
  const summary = results.map((result) => {
    const { maxRssMb, reachedBy, peak, growthMb, ok } = verdictOf(result);
    const idle = result.samples.filter((sample) => sample.phase === 'idle');
    const idleRss = idle.length > 0 ? idle[idle.length - 1].rssMb : NaN;
    const before = result.samples[result.samples.indexOf(reachedBy) - 1];
    const reached = before
      ? `${clockOf(before)}–${clockOf(reachedBy)}`
      : `by ${clockOf(reachedBy)}`;
    return `| ${result.role} | ${mb(idleRss)} | **${mb(maxRssMb)}** (${ok ? 'met' : 'NOT met'}), ${reached}, ${reachedBy.phase} | ${mb(peak.rssMb)} at ${clockOf(peak)}, ${peak.phase}, heap ${mb(peak.heapMb)} | ${mb(result.rssAfterCollect.endOfLoad)} / ${mb(result.rssAfterCollect.after)} | ${result.collected.beforeLoad.toFixed(1)} → ${result.collected.endOfLoad.toFixed(1)} → ${result.collected.after.toFixed(1)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)}) |`;
  });
  // One row a minute: each process's RSS / V8 heap used (sampled without forcing a collection).
  const minutes = Math.ceil(
    Math.max(...results.flatMap((r) => r.samples.map((s) => s.atMs))) / 60_000,
  );
  const timeline: string[] = [];
  for (let minute = 0; minute <= minutes; minute += 1) {
    const cells = results.map((result) => {
      const near = result.samples.filter(
        (sample) => sample.atMs >= minute * 60_000 && sample.atMs < (minute + 1) * 60_000,
      );
      if (near.length === 0) return '';
      const last = near[near.length - 1];
      return `${last.rssMb.toFixed(0)} / ${last.heapMb.toFixed(0)}`;
    });
    if (cells.every((cell) => cell === '')) continue;
    const phase = results[0].samples.find((sample) => sample.atMs >= minute * 60_000)?.phase ?? '';
    timeline.push(`| ${minute} (${phase}) | ${cells.join(' | ')} |`);
  }
  const statuses = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([status, count]) => `${count} × ${status}`)
      .join(', ');
  return [
    `A province-month of data: the demo (\`npm run demo\`: its bulletins, windows, plans and`,
    `as-run history) and ${prep.records.toLocaleString('en')} as-run records for the other communes of Thanh Hóa`,
    `(${FROM} – ${TO}, 30 a day, through the batch route in ${prep.seconds.toFixed(0)} s). Then the built service`,
    '(`dist/main.js`) in two deployments at the same time, each on its own copy of that database',
    'and its own Redis prefix: the roles `api`, `worker` and `scheduler` as three processes, and',
    `all three roles in one process, each with the node options and environment of \`npm start\` (${startSettingsText()}). Each is sampled every 5 s (resident set and V8`,
    `heap used, from the process, and the most resident memory it has had so far, the kernel's`,
    'high-water mark `VmHWM`, which a spike between two samples raises too: the goal is judged on that):',
    `${IDLE_MS / 60_000} min idle, ${SOAK_MINUTES} min under load, ${IDLE_MS / 60_000} min idle again. The load, to`,
    `each deployment's HTTP process: an as-run batch (a commune-day, 30 records) every ${BATCH_EVERY_MS / 1000} s and`,
    `the province-month compliance report every ${REPORT_EVERY_MS / 1000} s. A growth is judged on the heap after a full`,
    'collection (the processes run with `--expose-gc`; the benchmark asks for it at the three',
    'marks), not on the sampled heap, which rises and falls with each collection.',
    '',
    `Machine load (1-minute average) when the run started: ${load.toFixed(1)} on ${cpus().length} cores; both deployments and`,
    'the load run at the same time on it.',
    '',
    `| process | RSS idle | RSS peak, the kernel's maximum (goal ≤ ${GOAL_MB} MB): reached between samples at, phase | the highest sample: when, phase, heap used | RSS after a collection: end of load / after | heap after a collection: before → end of load → after |`,
    '|---|---|---|---|---|---|',
    ...summary,
    '',
    `Answers during the load: split deployment: batches ${statuses(loads[0]?.batches ?? {})}; reports ${statuses(loads[0]?.reports ?? {})}.`,
    `One process: batches ${statuses(loads[1]?.batches ?? {})}; reports ${statuses(loads[1]?.reports ?? {})}.`,
    '',
    'Where the memory goes (measured 2026-12-03 on an idle `api` process and a heap snapshot):',
    'about 48 MB of the RSS is the node binary itself (its code, mapped from the file, the same in',
    'every process); the V8 heap after a collection is 45–61 MB, of which ~21 MB are the source',
    'texts of the loaded modules (TypeORM with every driver, lodash, BullMQ’s scripts, js-yaml…)',
    'and ~11 MB compiled code; the young generation was 32 MB before `--max-semi-space-size=2`',
    '(now 4 MB: an idle `api` went from 172 to 142 MB).',
    'From 2026-12-03 19:00 on, a worker or scheduler process no longer loads what only the process',
    'that serves HTTP uses (bull-board, the MQTT client and broker, `ws`, helmet, the API docs):',
    '2,236 → 2,017 modules, heap after a collection 49 → 45 MB (worker) and 47 → 44 MB',
    '(scheduler).',
    '',
    'The peaks of the worker and of the single process were the scheduled chain check (at the',
    'start and every 10 minutes it reads and hashes again every chain that grew: under this load',
    'every chain, ~930 records each). Read 1,000 whole records a page, each page outlived the',
    'young generation and was promoted, and the old space filled with garbage before a full',
    'collection (worker 329 MB RSS / 134 MB heap, the single process 369 / 222 MB, in the run of',
    '2026-12-03 19:29). Since 22:30 the check reads 100 records a page, only the chained fields',
    '(`src/playout/as-run-ledger.ts`): checking 166 chains of 930 records alone went from a heap',
    'peak of 92 MB and RSS +120 MB to 24.5 MB and +37 MB, and from 7.1 to 3.7 s of CPU. The +37 MB',
    'left were SQLite’s page cache, filled by pages the check does not read again: a process',
    'without the API (no as-run ingest) then kept an 8 MiB cache instead of 32 MiB (+13 MB).',
    'A password-hash worker thread (after the first login) held ~10 MB; it now ends after 30 s idle.',
    '',
    'What is left in the `api` process (idle, then under the report, `/proc/<pid>/smaps` and V8’s',
    'heap spaces, 2026-12-03 22:40): the node binary 48 MB (shared, clean); the V8 heap 65 MB',
    '(old space 53, large objects 5, code 2, young 4); the embedded MQTT broker’s thread, an',
    'isolate with aedes, ~20 MB (measured alone: 41 → 62 MB RSS; a smaller young generation or',
    'code range for the thread, `resourceLimits`, changed nothing); the rest native (~15 MB: malloc,',
    'sqlite3, libuv). The floor of this codebase on Node 20 is therefore ~48 + ~55 (heap) + ~15 =',
    '~120 MB for a process that serves nothing, and the API adds the broker’s thread (without',
    '`MQTT_URL`) and what its requests fill: SQLite’s page cache and malloc’s arenas.',
    '',
    'Since 2026-12-04 (an `api` process alone on this data under this load for 3 min, RSS from',
    '`/proc/<pid>/status`, machine load 9–12, in turns): `npm start` (`scripts/start.js`) and the',
    'image run the service with `MALLOC_ARENA_MAX=2`. sqlite3 runs each statement on one of libuv’s',
    'pool threads, and glibc gives each thread an arena of its own (up to 8 per core); memory freed',
    'in one arena serves no other, so (the likely cause) the page cache and the statements’ buffers',
    'were held more than once: peak 196 → 174 MB, idle 148 → 133 MB, the same CPU. SQLite’s page cache is 8 MiB',
    'in every process (the API’s was 32 MiB): peak 174 → 158 MB (16 MiB: 169 MB); a province-month',
    'of batches through the API took no more CPU with it (32 MiB 75 / 70 s, 16 MiB 69 / 66 s,',
    '8 MiB 69 / 62 s, the service and the demo, in turns). The MQTT client library is loaded only',
    'with `MQTT_URL`. Fixing malloc’s trim and mmap thresholds (`MALLOC_TRIM_THRESHOLD_`,',
    '`MALLOC_MMAP_THRESHOLD_` at 128 KiB) gained 3 MB, within the noise: not kept.',
    'The step of the `api` at minute 10 of the run of 2026-12-03 (+33 MB, kept after a collection)',
    'is about the size of the 32 MiB page cache, perhaps one more arena filling; a run with the',
    'settings above (2026-12-04 14:02, load 6.8) showed no step and no growth of the heap.',
    '',
    'Since 2026-12-04 17:10 the process that serves the API loads bull-board (with lodash, valibot',
    'and ejs: ~950k characters of source, lodash’s stored two bytes a character) on the first',
    'admin’s request for the queue dashboard, not at start. All three roles in one process, idle on',
    'this data, after a collection, two runs in turns: heap 52.0 → 48.8 MB, RSS 149–153 →',
    '145–149 MB. Measured the same way and not kept: `--optimize-for-size` (RSS −8 to −14 MB,',
    'but 35 % more CPU under this load, one pair of runs at load ~5), `--compact-on-every-full-gc`',
    '(−8 MB: after a collection the old space holds ~11 MB less than it has committed, but each',
    'full collection then paused the main thread 200–410 ms instead of 7–70 ms, against a playout',
    'start error goal of 50 ms),',
    '`MALLOC_ARENA_MAX=1` (−3 MB in one pair of runs, nothing in the next). The embedded broker’s',
    'thread measured 8–12 MB of this process’s RSS (without it: 141–146 against 150–159 MB, idle);',
    'starting it only with the first device would save that where no device is enrolled, but',
    'changes what the start does (a taken `MQTT_PORT` stops it; the broker answers, and refuses,',
    'before any device exists): not done.',
    '',
    'Since 2026-12-04 20:40 `main.ts` defers what libraries require at load and use only on a path',
    'the service may not take (`src/deferred-requires.ts`): TypeORM’s drivers but the chosen one',
    '(~1.3 MB of source), glob and the SQL formatters TypeORM requires for entity paths and query',
    'logging, libphonenumber-js and validator.js’s modules that class-validator requires per',
    'decorator; fast-xml-parser and ical-generator wait for the first BXF export and calendar feed.',
    'All three roles in one process, idle, heap after a collection: 50.1 → 45.0 MB (two runs',
    'each). Not deferred: bullmq’s PostgreSQL and other Redis backends (~0.7 MB of source, two',
    'bytes a character for some), which @nestjs/bullmq’s ES-module import of bullmq reads at load.',
    '',
    'Measured and not kept (2026-12-04 21:00): glibc’s mmap threshold fixed at 128 KiB',
    '(`MALLOC_MMAP_THRESHOLD_=131072` beside `MALLOC_ARENA_MAX=2`, so that large blocks go back to',
    'the system when freed): one run of this benchmark gave every role 4–5 MB less (all three in one',
    'process: peak 146 MB, met; api 141, worker 127, scheduler 117), but single as-run posts took',
    'more CPU with it, in four pairs of runs taken in turns: 1,387–1,640 µs a post (median ~1,480)',
    'against 1,166–1,473 µs (median ~1,300). The posts goal is not met either; which to favour is a',
    'deployment’s choice, and the setting is one line in `scripts/start.js`.',
    '',
    'The worker’s start-up spike (2026-12-05): three runs of 2026-12-04/05 sampled the worker at',
    '231 MB once (129 and 132 MB in the others), every minute’s last sample 118–119 MB and its heap',
    'after a collection flat: a spike between samples, not a growth. The table now gives the',
    'kernel’s maximum RSS of each process (then `ru_maxrss`, since 2026-12-06 `VmHWM`: Linux',
    'carries into `ru_maxrss` the resident set of the forked copy of the parent at `exec`, and once',
    'the benchmarks ran with `npm start`’s options the benchmark’s own process stood at 536 MB when',
    'it started the services, which all reported 536 MB), which such a spike raises whenever it',
    'comes. Runs of this benchmark with a 1-minute load (`BENCH_MEMORY_MINUTES=1`), in turns on the',
    'same machine: the code before had the worker at 238, 132, 237 and 135 MB, the spike 5–20 s into',
    'the idle minute with up to 143 MB of heap used; since the chain check reads its pages as plain',
    'rows (`CHAINED_SELECT` in `src/playout/record-rows.ts`) instead of TypeORM entities, 133, 132,',
    '131, 129 and 129 MB. At start the worker runs the chain checks of the changed and of all 166',
    'chains (~930 records each) one after the other, as BullMQ runs an `every` schedule at once; the',
    'entities of each page outlived the young generation (2 MB semi-spaces) and filled the old',
    'space until a full collection, when it came late. The same start without the benchmark around',
    'it (worker and scheduler, or the three roles, on a copy of its data, no second deployment and',
    'no load; nine starts of each code, some with two busy loops beside them) never spiked, before',
    'or after: it came only on the busier machine of this benchmark, where it no longer comes.',
    '',
    'This run (2026-12-06 00:06 UTC, 2 × Intel Xeon, load 2.5) is the first with the plain-SQL',
    'helpers’ statements kept prepared on SQLite (`src/database/sqlite-statements.ts`: at most 64 kB',
    'of SQL text a connection, ~1.3 MB of SQLite’s memory). Against the run of 2026-12-05 06:33: the',
    '`api` peak 142 → 143 MB, the single process 145 → 147 MB, both met; after the load 142 MB in',
    'each deployment (136 MB then), the heaps after a collection as flat as then (+2.5 and +1.8 MB).',
    '',
    'On 2 × AMD EPYC (2026-12-07), the code of that evening: at 23:12 UTC, with a helper’s test',
    'runs loading the machine (load 3.9), all three roles in one process peaked at 150 MB (not met;',
    'its highest sample 147 MB), the `api` at 148 MB; this table’s run at 23:37 UTC on the quiet',
    'machine (load 1.6): 148 and 145 MB, met. The heaps after a collection are as flat as on',
    '2026-12-06 (+2.6 and +2.0 MB over the load) and ~1 MB above them (the day’s code): the margin',
    'is 2 MB, and a busier machine (more requests in flight, later collections) takes it.',
    '',
    'RSS / V8 heap used (MB), the last sample of each minute:',
    '',
    `| minute | ${results.map((result) => result.role).join(' | ')} |`,
    `|---|${results.map(() => '---').join('|')}|`,
    ...timeline,
  ].join('\n');
}

/** `npm run bench -- memory`: each role's memory over a province-month, idle and under load. */
export const memoryBenchmark: Benchmark = {
  id: 'memory',
  title: 'Memory: each role after a province-month, idle and under report and ingest load',
  async run(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-memory-'));
    const prefixes = [0, 1, 2].map(() => `loa-xa-bench-${randomBytes(4).toString('hex')}`);
    try {
      return await measure(dir, prefixes);
    } finally {
      for (const prefix of prefixes) {
        await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
