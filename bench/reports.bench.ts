import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../src/app.factory';
import { ManualClock } from '../src/common/manual-clock';
import { eachDate, localDateTime, localMidnight, addDays } from '../src/common/local-time';
import { dataSourceOptions, SQLITE_PRAGMAS } from '../src/database/data-source-options';
import { GeoService } from '../src/geo/geo.service';
import { ReportsService } from '../src/reports/reports.service';
import { Benchmark } from './bench.types';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv, inLoadProcess, median } from './bench-support';
import type { IngestResult, IngestRun } from './ingest-load';

const PROVINCE = '38';
const FROM = '2025-10-01';
const TO = '2025-10-31';
const RECORDS_PER_DAY = 30;
/** Days per batch request: ~300 records (~70 kB of JSON; the API takes up to 5,000). */
const DAYS_PER_BATCH = 10;
const REPORT_RUNS = 15;
const INGEST_GOAL = 0.5;
const REPORT_GOAL = 0.25;

const TOPIC_SETS = [
  ['chinh-quyen-so'],
  ['kinh-te-so'],
  ['xa-hoi-so'],
  ['mo-hinh-2-cap'],
  ['chinh-quyen-so', 'mo-hinh-2-cap'],
  ['kinh-te-so', 'xa-hoi-so'],
  ['ngay-cds-quoc-gia', 'xa-hoi-so'],
  ['hoc-tap-so'],
];
const TITLES = [
  'Bản tin Chính quyền số: dịch vụ công trực tuyến toàn trình',
  'Kinh tế số: đưa nông sản xứ Thanh lên sàn thương mại điện tử',
  'Xã hội số: mỗi người dân một tài khoản định danh điện tử',
  'Mô hình chính quyền địa phương 2 cấp phục vụ người dân',
];

interface PostedRecord {
  outcome: 'aired' | 'partial' | 'failed' | 'missed';
  title: string;
  topics: string[];
  startedAt: string;
  endedAt?: string;
  playedMs?: number;
  reason?: string;
}

/** A commune's records for some days: 30 a day, 20 minutes apart from 05:30 (the end of the default quiet hours), 1–5 minutes each. */
function recordsOf(commune: number, dates: string[]): PostedRecord[] {
  const records: PostedRecord[] = [];
  for (const [day, date] of dates.entries()) {
    for (let index = 0; index < RECORDS_PER_DAY; index += 1) {
      const n = commune * 7919 + day * 104729 + index * 15485863;
      const startedAt = localDateTime(date, 5 * 60 + 30 + index * 20);
      const spanMs = 60_000 + (n % 240) * 1000 + (n % 997);
      const roll = n % 100;
      const base = {
        title: TITLES[n % TITLES.length],
        topics: TOPIC_SETS[(n >> 3) % TOPIC_SETS.length],
        startedAt: startedAt.toISOString(),
      };
      if (roll < 3) {
        records.push({ ...base, outcome: 'missed', reason: 'Mất điện' });
        continue;
      }
      const endedAt = new Date(startedAt.getTime() + spanMs).toISOString();
      if (roll < 85) records.push({ ...base, outcome: 'aired', endedAt, playedMs: spanMs });
      else if (roll < 95) {
        records.push({ ...base, outcome: 'partial', endedAt, playedMs: Math.floor(spanMs / 3) });
      } else {
        records.push({ ...base, outcome: 'failed', endedAt, playedMs: 0, reason: 'Lỗi thiết bị' });
      }
    }
  }
  return records;
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** The report's rows must carry the raw sums. */
function assertSameSums(
  rows: { communeCode: string; topic: string; airedSeconds: number; plays: number }[],
  sums: Map<string, { ms: number; plays: number }>,
  name: string,
): void {
  const differing = rows.filter((row) => {
    const raw = sums.get(`${row.communeCode}|${row.topic}`) ?? { ms: 0, plays: 0 };
    return Math.round(row.airedSeconds * 1000) !== raw.ms || row.plays !== raw.plays;
  });
  if (differing.length > 0) {
    throw new Error(
      `The report and the raw query (${name}) differ on ${differing.length} row(s), e.g. ` +
        JSON.stringify(differing[0]),
    );
  }
}

type Raw = Record<string, string | number | null>;

/** Rows per multi-row INSERT of the raw baseline (under SQLite's bound-parameter limit). */
const RAW_CHUNK = 100;
/**
 * Rounds of the ingest and of each raw baseline, taken in turns (they vary by a third from run
 * to run on a shared machine).
 */
const ROUNDS = 3;

type RawTable = { name: string; rows: Raw[] };

function sqliteRun(db: Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((done, fail) =>
    db.run(sql, params, (error) => (error ? fail(error) : done())),
  );
}

/**
 * Writes rows raw into a fresh database of the same schema: each element of `transactions` (its
 * tables' rows) in a transaction of its own, committed and synced as the service's are.
 */
async function rawInsert(
  file: string,
  transactions: RawTable[][],
  write: (db: Database, table: RawTable, columns: string[]) => Promise<void>,
): Promise<number> {
  const schema = new DataSource(dataSourceOptions({ driver: 'sqlite', file }));
  await schema.initialize();
  await schema.destroy();
  const db = new Database(file);
  // The service's connection settings (page cache, checkpoints), so that only the writing differs.
  for (const pragma of SQLITE_PRAGMAS) await sqliteRun(db, `PRAGMA ${pragma}`);
  const started = process.hrtime.bigint();
  for (const tables of transactions) {
    await sqliteRun(db, 'BEGIN');
    for (const table of tables) {
      if (table.rows.length > 0) await write(db, table, Object.keys(table.rows[0]));
    }
    await sqliteRun(db, 'COMMIT');
  }
  const ms = elapsedMs(started);
  await new Promise<void>((done) => db.close(() => done()));
  return ms;
}

/**
 * The same tables cut into one transaction per request of the ingest: each import's records (in
 * seq order) and their topic rows, in the order the requests were answered.
 */
function perRequest(tables: RawTable[]): RawTable[][] {
  const [records, topics] = tables;
  const importOf = new Map<unknown, unknown>();
  const groups = new Map<unknown, { records: Raw[]; topics: Raw[] }>();
  for (const row of records.rows) {
    importOf.set(row.id, row.import_id);
    let group = groups.get(row.import_id);
    if (!group) groups.set(row.import_id, (group = { records: [], topics: [] }));
    group.records.push(row);
  }
  for (const row of topics.rows) groups.get(importOf.get(row.record_id))!.topics.push(row);
  return [...groups.values()].map((group) => [
    { name: records.name, rows: group.records },
    { name: topics.name, rows: group.topics },
  ]);
}

/** One prepared INSERT run per row. */
async function insertRowByRow(db: Database, table: RawTable, columns: string[]): Promise<void> {
  const statement = db.prepare(
    `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  for (const row of table.rows) {
    await new Promise<void>((done, fail) =>
      statement.run(
        columns.map((column) => row[column]),
        (error: Error | null) => (error ? fail(error) : done()),
      ),
    );
  }
  await new Promise<void>((done) => statement.finalize(() => done()));
}

/** Multi-row INSERTs of RAW_CHUNK rows. */
async function insertInChunks(db: Database, table: RawTable, columns: string[]): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < table.rows.length; start += RAW_CHUNK) {
    const chunk = table.rows.slice(start, start + RAW_CHUNK);
    await sqliteRun(
      db,
      `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
      chunk.flatMap((row) => columns.map((column) => row[column])),
    );
  }
}

const REQUIRED = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];

/**
 * The province-month sums straight from the raw log, two ways: airtime and plays per commune
 * and required topic. The generated month has no corrections, so neither needs a clause for
 * them. The join is how the topic rows are meant to be summed; the single scan reads each
 * record once and tests its topics (the JSON array stored with it).
 */
function rawQueries(communes: readonly string[]): { name: string; sql: string }[] {
  const where = `commune_code IN (${communes.map(() => '?').join(', ')}) AND started_at >= ? AND started_at < ?`;
  return [
    {
      name: 'join with the topic rows, GROUP BY commune, topic',
      sql: `SELECT r.commune_code AS commune_code, t.topic_code AS topic_code,
              SUM(CASE WHEN r.outcome IN ('aired', 'partial') THEN r.played_ms ELSE 0 END) AS aired_ms,
              SUM(CASE WHEN r.outcome = 'aired' THEN 1 ELSE 0 END) AS plays
            FROM playout_record r JOIN playout_record_topic t ON t.record_id = r.id
            WHERE r.${where.replace(/ AND started_at/g, ' AND r.started_at')}
              AND t.topic_code IN (${REQUIRED.map((topic) => `'${topic}'`).join(', ')})
            GROUP BY r.commune_code, t.topic_code`,
    },
    {
      name: 'one scan of the records, GROUP BY commune, a sum per topic',
      sql: `SELECT commune_code, ${REQUIRED.map(
        (topic, index) =>
          `SUM(CASE WHEN outcome IN ('aired', 'partial') AND topics LIKE '%"${topic}"%' THEN played_ms ELSE 0 END) AS ms${index},
           SUM(CASE WHEN outcome = 'aired' AND topics LIKE '%"${topic}"%' THEN 1 ELSE 0 END) AS plays${index}`,
      ).join(', ')}
            FROM playout_record WHERE ${where} GROUP BY commune_code`,
    },
  ];
}

/** Either raw result as `commune|topic` → sums. */
function rawSums(rows: Raw[]): Map<string, { ms: number; plays: number }> {
  const sums = new Map<string, { ms: number; plays: number }>();
  for (const row of rows) {
    if ('topic_code' in row) {
      sums.set(`${row.commune_code}|${row.topic_code}`, {
        ms: Number(row.aired_ms),
        plays: Number(row.plays),
      });
    } else {
      REQUIRED.forEach((topic, index) =>
        sums.set(`${row.commune_code}|${topic}`, {
          ms: Number(row[`ms${index}`]),
          plays: Number(row[`plays${index}`]),
        }),
      );
    }
  }
  return sums;
}

/** One request of the ingest: ten days of a commune's records. */
interface Batch {
  commune: string;
  records: PostedRecord[];
}

/** The month to ingest: the province's communes (`BENCH_REPORTS_COMMUNES` for fewer), cut into batches. */
function provinceMonth(geo: GeoService): { communes: string[]; batches: Batch[] } {
  const communes = geo
    .communesOf(PROVINCE)
    .map((commune) => commune.code)
    .slice(0, Number(process.env.BENCH_REPORTS_COMMUNES ?? 166));
  const dates = eachDate(FROM, TO);
  const batches: Batch[] = [];
  for (const [index, commune] of communes.entries()) {
    for (let day = 0; day < dates.length; day += DAYS_PER_BATCH) {
      batches.push({ commune, records: recordsOf(index, dates.slice(day, day + DAYS_PER_BATCH)) });
    }
  }
  return { communes, batches };
}

/**
 * `npm run bench -- reports`: a month of as-run records for the 166 communes of Thanh Hóa
 * (30 a day, ~154,000) ingested through the API's batch route on SQLite, against raw inserts of
 * the same rows; then the province-month compliance report against a raw GROUP BY.
 */
export const reportsBenchmark: Benchmark = {
  id: 'reports',
  title: 'Reports: as-run ingest and the province-month compliance report',
  async run(): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), 'loa-xa-bench-reports-'));
    const prefixes: string[] = [];
    const load = loadavg()[0];
    let app: NestExpressApplication | undefined;
    try {
      // Each round ingests the month into a fresh service and database, then runs each raw
      // baseline once: the ingest and the baselines are taken in turns, and their medians compared
      // (the shared machine's speed changes from one minute to the next). The report is measured
      // on the last round's service.
      const ingestRuns: { ms: number; cpuMs: number }[] = [];
      const rawRowRuns: number[] = [];
      const rawChunkRuns: number[] = [];
      const rawRequestRuns: number[] = [];
      let month: { communes: string[]; batches: Batch[] } | undefined;
      let tables: RawTable[] = [];
      let requests: RawTable[][] = [];
      let base = '';
      let token = '';
      for (let round = 0; round < ROUNDS; round += 1) {
        await app?.close();
        const dir = join(root, `round-${round}`);
        mkdirSync(dir);
        const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
        prefixes.push(prefix);
        const env = benchEnv(dir, prefix, { APP_ROLES: 'api', PORT: '0' });
        app = await createHttpApp({ env, clock: new ManualClock('2025-11-05T12:00:00+07:00') });
        await app.listen(0, '127.0.0.1');
        base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
        const login = await call(base, 'POST', '/auth/login', null, {
          username: env.ADMIN_USERNAME,
          password: env.ADMIN_PASSWORD,
        });
        token = (login.json as { accessToken: string }).accessToken;
        month ??= provinceMonth(app.get(GeoService));

        // Ingest through HTTP: validation, hash chain, duplicates and overlap checks, roll-ups.
        // Sent by a load process, one request after another (its CPU is not this process's); the
        // bodies are serialized before the clock starts. The CPU is this process's: the service's.
        let ingestCpu = process.cpuUsage();
        const ingest = await inLoadProcess<IngestRun, IngestResult>(
          'ingest-load.js',
          {
            token,
            requests: month.batches.map((batch) => ({
              url: `${base}/communes/${batch.commune}/playout-log/batch`,
              body: JSON.stringify({ records: batch.records }),
            })),
          },
          () => (ingestCpu = process.cpuUsage()),
        );
        if (ingest.failure) throw new Error(`batch refused: ${ingest.failure}`);
        ingestRuns.push({ ms: ingest.ms, cpuMs: cpuMs(process.cpuUsage(ingestCpu)) });

        // Baselines: the rows the API wrote, inserted raw into fresh databases of the same schema.
        if (round === 0) {
          const dataSource = app.get(DataSource);
          tables = [
            {
              name: 'playout_record',
              // In the order the requests wrote them (their ids are time-ordered, `newId`).
              rows: await dataSource.query('SELECT * FROM playout_record ORDER BY id'),
            },
            {
              name: 'playout_record_topic',
              rows: await dataSource.query('SELECT * FROM playout_record_topic'),
            },
          ];
          requests = perRequest(tables);
        }
        rawRowRuns.push(await rawInsert(join(dir, 'raw-rows.sqlite'), [tables], insertRowByRow));
        rawChunkRuns.push(
          await rawInsert(join(dir, 'raw-chunks.sqlite'), [tables], insertInChunks),
        );
        rawRequestRuns.push(
          await rawInsert(join(dir, 'raw-requests.sqlite'), requests, insertInChunks),
        );
      }
      const { communes, batches } = month!;
      const dates = eachDate(FROM, TO);
      const total = batches.reduce((sum, batch) => sum + batch.records.length, 0);
      const recordCount = tables[0].rows.length;
      const ingestMs = median(ingestRuns.map((run) => run.ms));
      const ingestCpuMs = median(ingestRuns.map((run) => run.cpuMs));
      const dataSource = app!.get(DataSource);
      const rawRowMs = median(rawRowRuns);
      const rawChunkMs = median(rawChunkRuns);
      const rawRequestMs = median(rawRequestRuns);
      const runsOf = (runs: number[]) => runs.map((ms) => (ms / 1000).toFixed(2)).join(' / ');

      // The report over HTTP, and the raw queries on the same connection, taking turns.
      const path = `/reports/compliance?campaign=cds-2025&province=${PROVINCE}`;
      const firstStarted = process.hrtime.bigint();
      const first = await call(base, 'GET', path, token);
      const firstMs = elapsedMs(firstStarted);
      if (first.status !== 200) throw new Error(`report refused: ${first.status}`);
      const report = first.json as {
        rows: { communeCode: string; topic: string; airedSeconds: number; plays: number }[];
      };
      const queries = rawQueries(communes);
      const params = [
        ...communes,
        localMidnight(FROM).toISOString(),
        localMidnight(addDays(TO, 1)).toISOString(),
      ];
      const reports = app!.get(ReportsService);
      const times = {
        http: [] as number[],
        service: [] as number[],
        raw: queries.map(() => [] as number[]),
      };
      for (let run = 0; run < REPORT_RUNS; run += 1) {
        let started = process.hrtime.bigint();
        await call(base, 'GET', path, token);
        times.http.push(elapsedMs(started));
        started = process.hrtime.bigint();
        await reports.compliance('cds-2025', PROVINCE, {});
        times.service.push(elapsedMs(started));
        for (const [index, query] of queries.entries()) {
          started = process.hrtime.bigint();
          const rows: Raw[] = await dataSource.query(query.sql, params);
          times.raw[index].push(elapsedMs(started));
          if (run === 0) assertSameSums(report.rows, rawSums(rows), query.name);
        }
      }

      const reportMs = median(times.http);
      const rawQueryMs = Math.min(...times.raw.map(median));
      const reportRatio = reportMs / rawQueryMs;
      const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
      const perSecond = (ms: number) => Math.round((recordCount / ms) * 1000).toLocaleString('en');
      return [
        `${communes.length} communes of Thanh Hóa × ${dates.length} days × ${RECORDS_PER_DAY} records`,
        `(${FROM} – ${TO}): ${total.toLocaleString('en')} as-run records (85 % aired, 10 % partial,`,
        '3 % missed, 2 % failed; one or two topics each), posted to',
        '`POST /communes/:commune/playout-log/batch` over HTTP, one commune and ten days',
        `(~300 records, ~70 kB) per request, ${batches.length} requests, on SQLite, sent one after`,
        'another on a keep-alive connection by a load process (since 2026-12-05 11:45 UTC: until then a',
        '`fetch` in the measured process, whose CPU the ingest’s time then included); since',
        '2026-12-06 it asks, as a bulk importer would, for the minimal answer (`Prefer:',
        'return=minimal`: the counts, not the ~180 kB of records written a request; what the full',
        'answer costs is measured below). Each request',
        'validates the records, checks duplicates and overlaps, hashes the chain, and writes the',
        'records and their topics (multi-row INSERTs) and the roll-ups in one transaction, committed',
        'and synced before it answers. The baselines insert the rows the API wrote (`playout_record`',
        'and `playout_record_topic`) into a fresh database of the same schema, with the connection',
        "settings of the service's (page cache), in one transaction: row by row with a prepared",
        `statement (the usual raw way), and in multi-row INSERTs of ${RAW_CHUNK} rows (faster still);`,
        `the ingest (each time into a fresh service and database) and each baseline are run ${ROUNDS}`,
        'times in turns (since 2026-12-06 13:57 UTC; until then the ingest ran once, before the',
        'baselines) and their medians are compared; the ratio is given for each. A third raw run',
        '(since 2026-12-05 evening) writes the same rows in 100-row',
        'INSERTs cut as the requests cut them, one synced transaction a request: the floor of any',
        'design that commits each request before answering it.',
        '',
        'The report is `GET /reports/compliance?campaign=cds-2025&province=38` over HTTP: 166 × 4',
        'rows and the per-commune fields (days under the daily minimum, the whole-campaign status,',
        'the kept chain verdicts), read from the roll-ups. The baselines are raw SQL `GROUP BY`s over',
        'the same records on the same connection, giving the same sums (checked); the goal is judged',
        `against the faster. Median of ${REPORT_RUNS} runs each, taken in turns.`,
        '',
        `Machine load (1-minute average) when the run started: ${load.toFixed(1)} on ${cpus().length} cores.`,
        '',
        '| measure | value |',
        '|---|---|',
        `| records ingested | ${recordCount.toLocaleString('en')} |`,
        `| ingest through the API, median of ${ROUNDS} | ${(ingestMs / 1000).toFixed(2)} s (${perSecond(ingestMs)} records/s; CPU of the service’s process ${(ingestCpuMs / 1000).toFixed(1)} s; runs ${runsOf(ingestRuns.map((run) => run.ms))} s) |`,
        `| raw inserts, row by row, median of ${ROUNDS} | ${(rawRowMs / 1000).toFixed(2)} s (${perSecond(rawRowMs)} records/s; runs ${runsOf(rawRowRuns)} s) |`,
        `| raw inserts, ${RAW_CHUNK} rows per INSERT, median of ${ROUNDS} | ${(rawChunkMs / 1000).toFixed(2)} s (${perSecond(rawChunkMs)} records/s; runs ${runsOf(rawChunkRuns)} s) |`,
        `| **ingest ÷ raw speed, row by row** | **${(rawRowMs / ingestMs).toFixed(2)}** (goal ≥ ${INGEST_GOAL}: ${verdict(rawRowMs / ingestMs >= INGEST_GOAL)}) |`,
        `| **ingest ÷ raw speed, ${RAW_CHUNK} rows per INSERT** | **${(rawChunkMs / ingestMs).toFixed(2)}** (goal ≥ ${INGEST_GOAL}: ${verdict(rawChunkMs / ingestMs >= INGEST_GOAL)}) |`,
        `| floor of a transaction a request: raw inserts, ${RAW_CHUNK} rows per INSERT, committed per request (${requests.length} commits), median of ${ROUNDS} | ${(rawRequestMs / 1000).toFixed(2)} s (runs ${runsOf(rawRequestRuns)} s) |`,
        `| that floor ÷ raw speed, ${RAW_CHUNK} rows per INSERT | ${(rawChunkMs / rawRequestMs).toFixed(2)} |`,
        `| ingest ÷ that floor | ${(rawRequestMs / ingestMs).toFixed(2)} |`,
        `| province-month report, first after the ingest | ${firstMs.toFixed(1)} ms |`,
        `| province-month report over HTTP, median | ${reportMs.toFixed(1)} ms |`,
        `| the same, \`ReportsService.compliance\` in-process, median | ${median(times.service).toFixed(1)} ms |`,
        ...queries.map(
          (query, index) =>
            `| raw query: ${query.name}, median | ${median(times.raw[index]).toFixed(1)} ms |`,
        ),
        `| **report ÷ raw query** | **${reportRatio.toFixed(3)}** (goal ≤ ${REPORT_GOAL}: ${verdict(reportRatio <= REPORT_GOAL)}) |`,
        '',
        'Where the ingest’s time goes (2026-12-05, load ~1.2: the time each SQL statement took over',
        'the whole province-month, and a CPU profile of the ingest of 40 communes, `node:inspector`):',
        'of 16–18 s, the SQL statements take ~7.5 s: the records’ INSERTs 2.5 s (one a request, ~16 µs',
        'a record with its indexes), the COMMITs 2.1 s (3.1 ms each: the WAL’s sync and, every ~40 MB,',
        'its checkpoint), the topic rows 0.6 s, the content-key lookups 0.5 s, BEGIN 0.4 s, and about',
        'eighteen small statements a request (roll-ups, chain head, import row, audit row, the user’s',
        'token version) of 0.1–0.2 s each over the month. The rest is JavaScript on the main thread:',
        'in the profile, a quarter of the time waits for SQLite’s own thread; the driver binding',
        'parameters ~11 %; garbage collection 6 %; content keys and chain hashes (canonical JSON and',
        'SHA-256) ~8 %; the JSON answer ~5 %; the roll-ups’ sums ~4 %; preparing and checking the',
        'records ~4 %; Express, Nest and the middleware the rest, spread thin. The 664 commits, one a',
        'request and each synced before it answers, take a third of the raw 100-row baseline’s whole',
        'time, and the SQL statements together more than all of it: 0.5 would need the JavaScript of',
        'a record cut to about half (~55 µs to ~30 µs), with no one place holding that much; not',
        'reached this round.',
        '',
        'What changed (2026-12-05; the same benchmark on the same machine before: 20.56 s, 0.30): a',
        'statement’s records bind the values they all share once (commune, source, import, author,',
        'creation time, the empty columns: about half of a record’s 29 values), the VALUES text is',
        'one tuple repeated instead of built value by value, and a batch’s 300 records go in one',
        'INSERT; the chain head’s lock, the import row, the audit row and the content-key lookup are',
        'plain SQL instead of TypeORM’s builders (its insert read each row back); the calendar check',
        'of each instant is arithmetic instead of a `Date` built and read back.',
        '',
        'A slower machine (2026-12-05 from 11:20 UTC: the raw 100-row baseline 8.9–9.9 s against',
        '6.0–6.9 s in the morning): 0.36 with the code and client of the morning; since, the load',
        'process sends the requests (`fetch` in this process took ~5 µs of its main thread a record)',
        'and instants are written by arithmetic (`utcIso`: a record’s chain hash and content key 8.6 →',
        '7.1 µs), 0.39–0.42 in four runs. Each SQL statement timed over the',
        'whole ingest (two runs, not kept): of 23.9–24.8 s, the statements take 14.2–14.9 s, 24 a',
        'request: the COMMIT 7.2–7.6 ms on average (median 5.3 ms, the WAL’s sync; 21 over 20 ms, up',
        'to 239 ms, 1.3 s in all: the checkpoints), the records’ INSERT 7.2 ms, the topic rows 1.3 ms,',
        'BEGIN 1.1 ms, and twenty small ones of 0.1–0.7 ms (~5.5 ms a request). The first 40 communes’',
        'requests took 17 ms of statements each (COMMIT 4.2 ms, INSERT 5.3 ms): they grow with the',
        'database. So the statements alone take longer than the whole raw baseline (14.2 s against',
        '9.9 s in that run), one commit synced a request being most of the difference, and 0.5 would',
        'need the JavaScript (~10 s) cut by two fifths. Two levers measured, neither enough nor done: a',
        'statement prepared once and run again costs ~45 µs against 85–110 µs for sqlite3’s `all` and',
        '92–154 µs through TypeORM (node, 3,000 of each: a cache of prepared statements would save ~1 ms',
        'a request, ~4 %); checkpoints on a second connection beside the requests instead of inside a',
        'commit (at most the 1.3 s above, ~5 %, less with the checkpoint sharing the two cores).',
        '',
        'On the faster machine of 2026-12-05 evening (2 × Intel Xeon; the raw 100-row baseline',
        '4.5–5.9 s from run to run): with the code of the day the ingest took 12.9–13.9 s in three',
        'runs, 0.34–0.46. Two changes since. The index on `started_at` alone, which no read used (every',
        'read by time is a commune’s or a province’s, through `(commune_code, started_at)`), is gone',
        '(a migration): 11.3–11.6 s, but still ~0.41, as the baselines, written into the same schema,',
        'got faster by as much. A record’s canonical JSON after its seq is written once, for its',
        'content key and its chain hash (6.6 → 4.5 µs a record for both, ~0.3 s, within the runs’',
        'noise). The floor of a transaction a request (the third raw run) is 0.71–0.80 of the one-transaction',
        'baseline: the commits alone take a quarter of the way to the goal. Each SQL statement timed',
        'over one ingest of this code (11.6 s, not kept): 6.2 s of statements, the records’ INSERT',
        '1.9 s, the COMMIT 1.2 s (1.8 ms each), the topic rows 0.5 s, BEGIN 0.5 s, twenty small ones',
        '~2.1 s (the user’s token version, the chain head, the import, the roll-ups, the audit row),',
        'each timed from its call to its answer, which counts the main thread’s own delays too: eight',
        'small upserts of a transaction sent at once rather than one after another saved ~25 µs each in',
        'a separate test (node, sqlite3, WAL), so fewer round trips are not the lever. The main thread',
        'was busy 7.4 s and idle 4.2 s (`performance.eventLoopUtilization`). A request',
        'costs ~4 ms whatever its size and a record ~55 µs: the same month sent as one request a',
        'commune (930 records, 166 requests, a size the API takes) took 9.24 s, 0.50, but this',
        'benchmark keeps its ten days. The raw 100-row INSERTs take ~30 µs a record; the service’s own',
        'INSERTs are cheaper than the floor’s (the shared values bound once), and what keeps it from',
        'the goal is the JavaScript of a record, ~35 µs (its checks, content key and chain hash, the',
        'roll-ups’ sums, the JSON answer with every record, binding its values, garbage collection),',
        'done while SQLite waits, with no part over a tenth. Measured and not taken: no checkpoints',
        'during the ingest (`wal_autocheckpoint` 1,000,000): 14.6 s with the older code, no gain; four',
        'connections sending at once: 13.1 s, as a request’s checks run inside the write transaction;',
        'the answer without its records (an experiment, in turns): 11.19 s against 11.51 s, so the JSON',
        'of the records it gives back costs ~0.3 s. Reaching 0.5 with ten days a request takes the main',
        'thread at work while SQLite writes, on more than the answer: the INSERTs cut into statements',
        'bound while the previous one runs, the next request’s checks outside the write transaction',
        'beside this one’s commit (which needs requests in flight together), or a group commit of',
        'several communes’ batches; not done this round.',
        '',
        'A slower machine again (2026-12-05 from 19:55 UTC, 2 × AMD EPYC; the raw 100-row',
        'baseline 6.98–8.00 s in two full runs): 18.68 s and 20.98 s, 0.37–0.38, the service’s process',
        'using as much CPU as the ingest took time (18.7 s and 20.5 s): its main thread and SQLite’s',
        'thread take turns, each waiting for the other. A transaction a request costs little here',
        '(0.88–0.94 of one transaction). Timed over 40 communes (4.5 s, not kept): the statements 2.3 s',
        'from call to answer (the records’ INSERT 0.58 s, the COMMIT 0.50 s, the topic rows 0.22 s, BEGIN',
        '0.19 s, twenty small ones 0.85 s), the main thread busy 3.0 s and idle 1.5 s. Tried and not',
        'kept: a multi-row INSERT’s own values sent as one JSON text that SQLite unpacks (`INSERT …',
        'SELECT value->>0, … FROM json_each(?)`) instead of bound one by one (sqlite3 binds on the main',
        'thread, ~0.5 µs a value). In a separate test (300 statements of 230 rows × 17 values) it took',
        'the main thread’s part of a statement from ~2 ms to ~0.4 ms and the whole from 4.6–5.9 ms to',
        '3.9–4.0 ms; in the ingest, five runs of 40 communes each way, in turns, 4.44–5.27 s without it',
        'against 4.58–5.47 s with it: no gain, SQLite’s reading of the JSON costing what the binding',
        'saved.',
        '',
        'The run of 2026-12-05 from 23:47 UTC, 2 × Intel Xeon again, slower than in the evening and',
        'slowing over the session (the raw 100-row baseline 4.90 s, 5.42 s, 5.77 s in three full runs).',
        'Since, the plain-SQL helpers (`selectRows`, `execute`, `insertRows`) keep their statements',
        'prepared on SQLite (`src/database/sqlite-statements.ts`: 64 kB of SQL text, ~1.3 MB of',
        'SQLite’s memory): sqlite3 prepared, ran and finalized each statement every time, and SQLite',
        'parsing a 300-row INSERT and generating its code was a sixth of its time (4.9 → 4.2 ms in a',
        'separate test), a small statement’s about half. A batch’s records go in statements of 100 rows',
        'given to one prepared statement at once (it runs them in order), so the main thread converts',
        'the next hundred’s values while SQLite writes the previous. In turns, the code before and',
        'after: 40 communes 3.66–3.75 s → 3.32–3.55 s, and later 3.81–4.00 s → 3.54–3.68 s (three runs',
        'each way, twice); the province-month 15.36–15.49 s → 14.79–14.88 s (two each): 4–11 %. The full',
        'runs: 13.00 s with the code before (0.38), 13.64 s and 14.47 s after (0.40 both).',
        '',
        'Where an average request’s 21 ms went then (40 communes, each phase timed from the request’s',
        'arrival; three requests of 300 records to one of 30): 2.4 ms before the handler (the user’s',
        'check, reading, parsing and validating the body), 0.3 ms hashing the body for replays, 4.1 ms',
        'from BEGIN to the content-key lookup (chain head, earlier import, topics, preparing the',
        'records), 3.0 ms to the records’ INSERT (the overlap check, numbering and hashing), 3.2 ms of',
        'the records’ INSERTs, 4.2 ms of topic rows, chain head, roll-ups, import and audit rows, 2.0 ms',
        'of COMMIT, 1.9 ms for the answer (its view, then `res.json`: the JSON text, its UTF-8 copy, the',
        'ETag, the socket), and 1.2 ms between an answer and the next request (the load process reading',
        '184 kB, sending 70 kB). Measured and not kept: the answer built and serialized while the COMMIT',
        'syncs (a transaction of our own instead of TypeORM’s, given the controller’s view): 40',
        'communes in turns, 3.75 / 3.73 / 3.64 s against 3.74 / 3.85 / 3.68 s without, no gain beyond',
        'the noise, as the JSON text is a small part of the answer’s time. 0.5 stays out of reach here',
        'with ten days a request: no phase holds the fifth of the time it would take.',
        '',
        'The table of 2026-12-06 from 02:10 UTC, 2 × AMD EPYC, slower than the machines of 2026-12-05 (the',
        'raw 100-row baseline 11.2–12.7 s in five full runs). The code of 726d16d gave 28.08 s in the',
        'session’s first run, 0.45. Five changes since, each measured in turns (the province-month',
        'ingested alone, or 40 communes). The load process asks for the minimal answer (see above; the',
        'batch and CSV routes take `Prefer: return=minimal` since, and the web app’s CSV import asks for',
        'it): the ~180 kB of records a request that it discarded are no longer built, written and read.',
        'A record’s canonical tail (the JSON its content key and chain hash cover) is written piece by',
        'piece instead of as `JSON.stringify` of a fresh object, and a content key no longer copies its',
        'draft (`draftKeys` 11–12 → 5–6 µs a record, apart). The province-month, three runs each: the code',
        'before 24.8–26.3 s, with the canonical tail 23.1–24.9 s, with the minimal answer too 22.0–22.5 s;',
        'two full runs then, 21.49 s (0.55) and 25.23 s (0.45, the machine slower for a while: the same',
        'build took 21.2–21.5 s alone minutes later). Then the garbage: a heap sampling of the ingest of',
        '40 communes (`HeapProfiler`, collected objects included) counted 753 MB allocated, 20 kB a',
        'record, and the young generation’s collections took ~0.55 s of its 5.9 s (110 of ~5 ms,',
        '`--trace-gc`); with semi-spaces of 64 MB (an experiment: `npm start` gives 2 MB) the same ingest',
        'took 5.1–5.8 s against 6.0–6.1 s. Instants (`utcIso`) and ids (`newId`) are now made from their',
        'character codes at once instead of joined from two-digit strings (0.54 → 0.22 µs and ~430 → ~55',
        'bytes of garbage an instant, 0.6 → 0.28 µs and ~640 → ~70 bytes an id), topics already in order',
        'are copied without a set and a sort, an append writes its creation instant once, and the earlier',
        'import a request may repeat is read with plain SQL instead of TypeORM’s `findOne`: 591 MB',
        'allocated; 40 communes in turns 5.57–5.94 s → 5.28–5.68 s, the main thread’s CPU 3.77–4.07 →',
        '3.52–3.74 s. Two full runs with all of it: 21.13 s (0.56) and that table’s. What is left is',
        'spread as before: sqlite3 converting each bound value on the main thread (0.6–1.0 µs a value',
        'here, ~0.6 s of the main thread’s ~3.9 s over 40 communes), garbage collection, SHA-256, Express',
        'and Nest, none over a sixth.',
        '',
        'This table: 2026-12-06 after 07:20 UTC, the same code on another machine of the same kind (2',
        '× AMD EPYC, a shared VM whose speed changed by half within minutes in the single-posts',
        'runs), its raw 100-row baseline faster than that morning’s. Two full runs before this',
        'table’s: 16.25 s against 7.56 s (0.47: not met) and 14.96 s against 8.28 s (0.55). With one',
        'request after another, the service’s main thread is idle ~47 % of the ingest, waiting for',
        'SQLite (a profile of the ingest under `node:inspector`): each request’s statements and its',
        'JavaScript follow each other, and the goal sits at this machine’s noise.',
        '',
        'Since 2026-12-06 10:24 UTC the benchmarks run with `npm start`’s node options and',
        'environment (`--max-semi-space-size=2`, `MALLOC_ARENA_MAX=2`), the service in this',
        'benchmark’s process included; every run the paragraphs above give had Node’s default young',
        'generation (semi-spaces of up to 16 MB). On this session’s machine (2 × Intel Xeon), one',
        'full run each: with Node’s defaults 9.51 s against 4.37 s (0.46: not met); with the options',
        'of `npm start` 10.82 s against 5.25 s (0.49: not met), then this table’s. A profile of the',
        'ingest of 60 communes as deployed (`node:inspector`): the main thread idle 38 % of the time,',
        'waiting for SQLite; garbage collection 14 % (~3.7 MB allocated a request of ~300 records, a',
        'sampled heap profile); sqlite3 binding the records’ values 6 %. Binding a statement’s rows',
        'as one JSON text instead (`INSERT … SELECT … FROM json_each(?)`, measured apart, 600',
        'transactions of 300 rows in turns) took the main thread’s time from ~1.0 to ~0.65 s but the',
        'whole from ~1.75 to ~2.3 s, SQLite reading the JSON slower than sqlite3 binds the values: not',
        'kept. As deployed, the goal is not met on this machine.',
        '',
        'The runs of 2026-12-06 from 13:05 UTC, 2 × AMD EPYC again (the raw 100-row baseline',
        '6.7–10.7 s within one run). The code as it was: 21.60 s against 8.92 s (0.41: not met).',
        'Each statement timed from its call to its answer over 60 communes (not kept): ~24 a request;',
        'besides the records’ INSERT (6.3 ms a request) and the COMMIT (3.1 ms), the small ones took',
        '7.4 ms a request, each a round trip from the main thread to SQLite’s and back, the roll-ups’',
        'ten 3 ms of them (without the roll-ups, an experiment, the ingest was ~12 % faster). Since,',
        'the writes of an append that read nothing of each other are given at once (`settleAll` in',
        '`bulk-insert`): the records, their topics, the chain heads and the program log; the roll-up',
        'tables, with the campaigns’ read and then their rows beside them; the import’s row and its',
        'audit row beside the append; an import reads the log’s records it repeats and those in',
        'effect around it together. The campaigns, their day rows and every request’s user are read',
        'with prepared statements; a record is prepared without awaiting (what the batch names is',
        'read once, before); a multi-row INSERT’s text is kept by shape, no longer written and',
        'hashed again for every statement. In turns, 60 communes, four runs each: medians 6.77 s',
        'before, 6.35 s after (−6 %); a full run then, 18.02 s against 8.60 s (0.48: not met). Since',
        '13:57 UTC the ingest runs three times, each into a fresh service and database, in turns',
        'with the baselines, and the medians are compared (above): the first such run gave 21.34 s',
        '(runs 20.72–21.87 s) against 8.75 s (7.18–9.34 s), 0.41, the machine slower than minutes',
        'before (the same 60 communes took 6.0–8.8 s from run to run that hour). A profile of 60',
        'communes with this code (`node:inspector`): the main thread idle ~26 % of the time, waiting',
        'for SQLite; garbage collection ~19 %; sqlite3 converting bound values ~15 %; the service’s',
        'own JavaScript in the transaction ~36 % and before it (HTTP, the body, the guard) ~13 %, no',
        'function over 3 %. The run of 14:08 UTC, with the same code: 0.35, its raw 100-row runs',
        '6.91, 13.87 and 7.36 s and its ingests 17.34, 24.29 and 20.85 s, the machine’s speed',
        'changing by half within minutes.',
        '',
        'The run of 2026-12-06 16:20 UTC, the same code on a fresh machine of the same kind (2 ×',
        'AMD EPYC): 0.40. The ingest of 60 communes under `--trace-gc` with `npm start`’s options:',
        '497 young-generation collections in its 5.8 s, 1.16 s of the main thread, ~2.3 ms each,',
        'each keeping about half of the 2 MB it collects (a request’s records, parsed, prepared and',
        'appended, live until its transaction ends). Larger semi-spaces would take most of that',
        'away (64 MB: −10 % in the runs of 2026-12-06 morning) but not within the memory goal (the',
        'young generation is twice its semi-space in every process). A request of 300 records,',
        'each statement timed from its call to its answer (not kept): the records’ and topics’',
        'INSERTs ~10 ms and the COMMIT ~3.5 ms of ~25 ms, as in the floor above; around them the',
        'service’s own JavaScript ~8 ms of the main thread and its other statements (the reads, the',
        'roll-ups, the import’s and audit rows) ~5 ms. Over the month the service’s part is the',
        'ingest less the floor of a transaction a request (11.45 s of 23.78 s here); for 0.5 it',
        'would have to fall by more than two fifths. On that machine the goal was not met.',
        '',
        'This table: 2026-12-07 10:36 UTC, 2 × AMD EPYC again but a faster machine (the raw 100-row',
        'baseline 4.0–4.6 s; the floor of a transaction a request about as fast: a commit’s sync is',
        'cheap here), the code of that day (none of its changes is on the ingest’s path), load 2.8',
        'as the run started: 0.46, the ingest at 0.50 of that floor. A run the same morning while',
        'other work loaded the machine: 0.49 (ingests 8.83, 11.31 and 17.35 s; raw 5.15–6.42 s).',
        'The service’s own part, the ingest less that floor, is about as long as the floor itself,',
        'as on every machine since 2026-12-05: not met.',
        '',
        'This table: 2026-12-07 13:49 UTC, the same kind of machine running about half as fast (the',
        'raw 100-row baseline 6.5–8.5 s), the code that checks the records people post against the',
        'commune’s broadcast policy (quiet hours, session length, the day’s airtime: each request',
        'reads the policy and a sum of each day it touches); the records of the month start at 05:30',
        'instead of 05:00 since, to keep to the default quiet hours, with the same count and lengths.',
        '0.44, the ingest at 0.43 of the floor of a transaction a request. A run at 13:34 UTC with the',
        'check reading every counted record of those days (not a sum): 0.48 (raw 8.5–10.7 s). The',
        'goal is not met.',
        '',
        'This table: 2026-12-07 17:02 UTC, the same kind of machine (the raw 100-row baseline',
        '8.6–11.8 s), each request’s policy check reading the kept day totals of the reports’ set',
        'roll-up (one statement) instead of summing each day it touches from the log: 0.39, the',
        'ingest at 0.46 of the floor of a transaction a request. A run at 16:45 UTC with other work',
        'loading the machine (load ~6): 0.41 and 0.49. The ten days a request names were still empty',
        'in the log, so the sums read little and the change is within the noise here. Not met.',
        '',
        'This table: 2026-12-07 23:28 UTC, a fresh machine of the same kind (the raw 100-row baseline',
        '6.5–9.0 s), the code of that evening (nothing on the ingest’s path but the save check, which a',
        'batch does not run): 0.40, the ingest at 0.46 of the floor of a transaction a request, as in',
        'the afternoon. Not met.',
      ].join('\n');
    } finally {
      await app?.close();
      for (const prefix of prefixes) {
        await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      }
      rmSync(root, { recursive: true, force: true });
    }
  },
};
