import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { ManualClock } from '../src/common/manual-clock';
import { GeoService } from '../src/geo/geo.service';
import { AirtimeRepository } from '../src/reports/airtime.repository';
import { topicSetKey } from '../src/reports/airtime';
import { ReportsService } from '../src/reports/reports.service';
import { Benchmark } from './bench.types';
import { deleteRedisKeys, withPg } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv, median } from './bench-support';

const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A campaign over the whole year, so the year is its window (its own roll-ups apply). */
const CAMPAIGN = 'cds-ca-nam-2025';
const PROVINCE = '38';
const YEAR = { from: '2025-01-01', to: '2025-12-31' };
const DAYS = 365;
/** Wall-clock budget for loading; communes beyond it are extrapolated, not invented. */
const LOAD_BUDGET_MS = Number(process.env.BENCH_NATIONAL_LOAD_SECONDS ?? 240) * 1000;
const COMMUNES_PER_BATCH = 60;
const REPORT_RUNS = 3;
const GOAL_MS = 1000;
/**
 * The daily minimum the days-at-minimum query counts against (25 minutes): about the median
 * synthetic campaign day, so about half the commune-days reach it and the count is a real check.
 */
const MIN_DAILY_MS = 1_500_000;

/** Topics a commune airs in a day (one `airtime_daily` row each) — the campaign's four and two more. */
const DAY_TOPICS = [
  'chinh-quyen-so',
  'kinh-te-so',
  'xa-hoi-so',
  'mo-hinh-2-cap',
  'ngay-cds-quoc-gia',
  'hoc-tap-so',
];
/** Topic sets of the day's bulletins (one `airtime_daily_set` row each). */
const DAY_SETS = [
  ['chinh-quyen-so'],
  ['kinh-te-so'],
  ['xa-hoi-so'],
  ['mo-hinh-2-cap'],
  ['chinh-quyen-so', 'mo-hinh-2-cap'],
  ['kinh-te-so', 'xa-hoi-so'],
  ['ngay-cds-quoc-gia', 'xa-hoi-so'],
  ['hoc-tap-so'],
].map((topics) => topicSetKey(topics));
/** Assumed as-run records a commune writes a day (two windows of ~5 bulletins). */
const RECORDS_PER_COMMUNE_DAY = 10;
/** Assumed on-disk bytes of one as-run record with its indexes (hash chain, topics, title). */
const BYTES_PER_RECORD = 900;

async function timed<T>(runs: number, work: () => Promise<T>): Promise<{ ms: number; last: T }> {
  const times: number[] = [];
  let last: T | undefined;
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    last = await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { ms: median(times), last: last as T };
}

/**
 * Loads a year of roll-up rows for `codes`, server-generated (INSERT … SELECT over unnest and
 * generate_series: one multi-row INSERT per table and batch), deterministic values from a hash;
 * the month rows are derived from the batch's day rows (INSERT … SELECT … GROUP BY), the sums
 * the service keeps on append.
 */
async function loadBatch(client: Client, codes: string[]): Promise<number> {
  const daily = await client.query(
    `INSERT INTO airtime_daily (commune_code, topic_code, local_date, aired_ms, plays)
     SELECT c.code, t.topic, to_char(d.day, 'YYYY-MM-DD'),
            60000 + abs(hashtext(c.code || t.topic || d.day::text)) % 300000,
            1 + abs(hashtext(t.topic || c.code || d.day::text)) % 3
       FROM unnest($1::text[]) AS c(code)
      CROSS JOIN unnest($2::text[]) AS t(topic)
      CROSS JOIN generate_series($3::date, $4::date, interval '1 day') AS d(day)`,
    [codes, DAY_TOPICS, YEAR.from, YEAR.to],
  );
  const sets = await client.query(
    `INSERT INTO airtime_daily_set (commune_code, local_date, topic_set, aired_ms, plays)
     SELECT c.code, to_char(d.day, 'YYYY-MM-DD'), s.topic_set,
            60000 + abs(hashtext(c.code || s.topic_set || d.day::text)) % 300000,
            1 + abs(hashtext(s.topic_set || c.code || d.day::text)) % 2
       FROM unnest($1::text[]) AS c(code)
      CROSS JOIN unnest($2::text[]) AS s(topic_set)
      CROSS JOIN generate_series($3::date, $4::date, interval '1 day') AS d(day)`,
    [codes, DAY_SETS, YEAR.from, YEAR.to],
  );
  const monthly = await client.query(
    `INSERT INTO airtime_monthly (commune_code, topic_code, month, aired_ms, plays)
     SELECT commune_code, topic_code, substr(local_date, 1, 7), SUM(aired_ms), SUM(plays)
       FROM airtime_daily WHERE commune_code = ANY($1)
      GROUP BY commune_code, topic_code, substr(local_date, 1, 7)`,
    [codes],
  );
  return (daily.rowCount ?? 0) + (sets.rowCount ?? 0) + (monthly.rowCount ?? 0);
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);

/** `npm run bench -- national`: a year of roll-ups for 3,321 communes on PostgreSQL. */
export const nationalBenchmark: Benchmark = {
  id: 'national',
  title: 'National scale: a year of roll-ups for 3,321 communes on PostgreSQL',
  async run(): Promise<string> {
    const suffix = randomBytes(4).toString('hex');
    const database = `loa_xa_bench_${suffix}`;
    const prefix = `loa-xa-bench-${suffix}`;
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-national-'));
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${database}`;
    await withPg(PG_ADMIN_URL, (client) => client.query(`CREATE DATABASE ${database}`));
    let context: INestApplicationContext | undefined;
    const client = new Client({ connectionString: url.toString() });
    try {
      context = await NestFactory.createApplicationContext(
        AppModule.register({
          env: benchEnv(dir, prefix, { APP_ROLES: 'api', DATABASE_URL: url.toString() }),
          clock: new ManualClock('2026-01-15T09:00:00+07:00'),
        }),
        { logger: ['error'] },
      );
      await client.connect();
      const geo = context.get(GeoService);
      const provinces = geo.provinces();
      const allCodes = provinces.flatMap((province) =>
        geo.communesOf(province.code).map((commune) => commune.code),
      );
      const provinceCodes = geo.communesOf(PROVINCE).map((commune) => commune.code);

      // Load: the province first (so its report is always on full data), then the others.
      const order = [...provinceCodes, ...allCodes.filter((code) => !provinceCodes.includes(code))];
      await client.query('INSERT INTO airtime_topic_set (topic_set) SELECT unnest($1::text[])', [
        DAY_SETS,
      ]);
      const loadBefore = loadavg()[0];
      const loadStarted = Date.now();
      let loadedCommunes = 0;
      let loadedRows = 0;
      while (loadedCommunes < order.length && Date.now() - loadStarted < LOAD_BUDGET_MS) {
        const batch = order.slice(loadedCommunes, loadedCommunes + COMMUNES_PER_BATCH);
        loadedRows += await loadBatch(client, batch);
        loadedCommunes += batch.length;
      }
      const loadMs = Date.now() - loadStarted;
      // The year's campaign, created through the service once the year is loaded: it builds
      // its per-campaign roll-ups from the set rows (INSERT … SELECT), as an edit of its window,
      // topics or minimum would.
      const [admin] = (
        await client.query<{ id: string; username: string }>(
          `SELECT id, username FROM "user" WHERE username = 'admin'`,
        )
      ).rows;
      const campaignTopics = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];
      const campaignStarted = Date.now();
      const campaign = await context.get(CampaignsService).create(
        {
          code: CAMPAIGN,
          name: 'Tuyên truyền chuyển đổi số cả năm 2025',
          startsOn: YEAR.from,
          endsOn: YEAR.to,
          rules: campaignTopics.map((topic) => ({
            topic,
            minSecondsPerWeek: 600,
            minPlaysPerWeek: 7,
          })),
          minDailySeconds: MIN_DAILY_MS / 1000,
        },
        { ...admin, role: 'admin', communeCode: null, provinceCode: null },
      );
      const campaignMs = Date.now() - campaignStarted;
      const tables = [
        'airtime_daily',
        'airtime_daily_set',
        'airtime_monthly',
        'campaign_airtime_daily',
        'campaign_airtime_monthly',
      ];
      for (const table of tables) await client.query(`ANALYZE ${table}`);
      const sizes = await client.query<{ name: string; bytes: string; rows: string }>(
        `SELECT relname AS name, pg_total_relation_size(oid) AS bytes,
                reltuples::bigint AS rows
           FROM pg_class WHERE relname = ANY($1)`,
        [tables],
      );
      const sizeOf = (name: string) => sizes.rows.find((row) => row.name === name);
      const rollupBytes = sizes.rows.reduce((sum, row) => sum + Number(row.bytes), 0);
      const campaignRows = ['campaign_airtime_daily', 'campaign_airtime_monthly'].reduce(
        (sum, name) => sum + Number(sizeOf(name)?.rows ?? 0),
        0,
      );
      const loadedSet = new Set(order.slice(0, loadedCommunes));
      const loaded = allCodes.filter((code) => loadedSet.has(code));

      const reports = context.get(ReportsService);
      const airtime = context.get(AirtimeRepository);

      // Warm-up (first query plans, caches), then the medians.
      await reports.compliance(CAMPAIGN, PROVINCE, YEAR);
      const province = await timed(REPORT_RUNS, () => reports.compliance(CAMPAIGN, PROVINCE, YEAR));
      const provinceRaw = await timed(REPORT_RUNS, () =>
        client.query(
          `SELECT commune_code, topic_code, SUM(aired_ms) AS aired_ms, SUM(plays) AS plays
             FROM airtime_daily
            WHERE commune_code = ANY($1) AND local_date BETWEEN $2 AND $3
              AND topic_code = ANY($4)
            GROUP BY commune_code, topic_code`,
          [provinceCodes, YEAR.from, YEAR.to, campaignTopics],
        ),
      );
      const nationalTopics = () => airtime.byCommuneTopic(allCodes, YEAR, campaignTopics);
      const nationalDays = () =>
        airtime.campaignDaysByCommune(allCodes, YEAR, campaign, MIN_DAILY_MS);
      await nationalTopics();
      await nationalDays();
      const byTopic = await timed(REPORT_RUNS, nationalTopics);
      const days = await timed(REPORT_RUNS, nationalDays);
      const national = {
        ms: byTopic.ms + days.ms,
        last: { byTopic: byTopic.last, days: days.last },
      };
      const nationalByProvince = await timed(1, async () => {
        let communes = 0;
        for (const each of provinces) {
          communes += (await reports.compliance(CAMPAIGN, each.code, YEAR)).communes.length;
        }
        return communes;
      });
      const nationalRaw = await timed(REPORT_RUNS, () =>
        client.query<{ commune_code: string; topic_code: string; aired_ms: string }>(
          `SELECT commune_code, topic_code, SUM(aired_ms) AS aired_ms, SUM(plays) AS plays
             FROM airtime_daily
            WHERE local_date BETWEEN $1 AND $2 AND topic_code = ANY($3)
            GROUP BY commune_code, topic_code`,
          [YEAR.from, YEAR.to, campaignTopics],
        ),
      );
      const campaignSets = DAY_SETS.filter((key) =>
        campaignTopics.some((topic) => key.includes(`|${topic}|`)),
      );
      const daysRaw = await timed(REPORT_RUNS, () =>
        client.query<{ commune_code: string; campaign_ms: string; days_at_minimum: string }>(
          `SELECT commune_code, SUM(aired_ms) AS campaign_ms,
                  SUM(CASE WHEN aired_ms >= $4 THEN 1 ELSE 0 END) AS days_at_minimum
             FROM (SELECT commune_code, local_date, SUM(aired_ms) AS aired_ms
                     FROM airtime_daily_set
                    WHERE local_date BETWEEN $1 AND $2 AND topic_set = ANY($3)
                    GROUP BY commune_code, local_date) AS perday
            GROUP BY commune_code`,
          [YEAR.from, YEAR.to, campaignSets, MIN_DAILY_MS],
        ),
      );
      const loadAfter = loadavg()[0];

      // The module's sums must equal the raw GROUP BY over the same rows.
      const rawTotal = nationalRaw.last.rows.reduce((sum, row) => sum + Number(row.aired_ms), 0);
      const moduleTotal = national.last.byTopic.reduce((sum, row) => sum + row.airedMs, 0);
      if (
        rawTotal !== moduleTotal ||
        nationalRaw.last.rows.length !== national.last.byTopic.length
      ) {
        throw new Error(`national sums differ: module ${moduleTotal}, raw ${rawTotal}`);
      }
      const rawDays = new Map(
        daysRaw.last.rows.map((row) => [
          row.commune_code,
          `${Number(row.campaign_ms)}/${Number(row.days_at_minimum)}`,
        ]),
      );
      const daysDiffer = national.last.days.filter(
        (row) => rawDays.get(row.communeCode) !== `${row.campaignMs}/${row.daysAtMinimum}`,
      );
      if (daysDiffer.length > 0 || national.last.days.length !== rawDays.size) {
        throw new Error(
          `national campaign days differ from the raw GROUP BY for ${daysDiffer.length} communes`,
        );
      }
      const daysAtMinimum = national.last.days.reduce((sum, row) => sum + row.daysAtMinimum, 0);

      const fraction = loaded.length / allCodes.length;
      const fullRows = Math.round(loadedRows / fraction);
      const fullBytes = rollupBytes / fraction;
      const scale = (ms: number) => ms / fraction;
      const recordsPerDay = allCodes.length * RECORDS_PER_COMMUNE_DAY;
      const rawBytesYear = recordsPerDay * 365 * BYTES_PER_RECORD;
      const extrapolated = fraction < 1;
      const nationalFullMs = extrapolated ? scale(national.ms) : national.ms;
      const met = nationalFullMs <= GOAL_MS;
      const rowsPerCommuneDay = DAY_TOPICS.length + DAY_SETS.length;
      const tableLine = (name: string) => {
        const size = sizeOf(name);
        return `\`${name}\` ~${Number(size?.rows ?? 0).toLocaleString('en')} rows, ${mib(Number(size?.bytes ?? 0))} MiB`;
      };

      return [
        `Synthetic roll-ups for ${YEAR.from} … ${YEAR.to} (${DAYS} days): per commune and day ` +
          `${DAY_TOPICS.length} \`airtime_daily\` rows (one a topic) and ${DAY_SETS.length} ` +
          `\`airtime_daily_set\` rows (one a topic set), ${rowsPerCommuneDay} rows a commune-day, ` +
          `generated in PostgreSQL by one multi-row \`INSERT … SELECT\` per table and batch of ` +
          `${COMMUNES_PER_BATCH} communes, into a throwaway database migrated by the service. ` +
          'The month rows (`airtime_monthly`, commune × topic × month) are derived from each ' +
          "batch's day rows by `INSERT … SELECT … GROUP BY` (the sums the service keeps on " +
          `append). The report's campaign is \`${CAMPAIGN}\`, the four campaign topics over the ` +
          `whole year with a daily minimum of ${MIN_DAILY_MS / 60_000} minutes, created through ` +
          '`CampaignsService.create` after the load: that builds its per-campaign roll-ups ' +
          '(`campaign_airtime_daily`, commune × day of its window, and `campaign_airtime_monthly`, ' +
          'commune × month with the days at the minimum) from the set rows, as any later edit of ' +
          `its window, topics or minimum does: ${fmt(campaignMs)} ms for ` +
          `${campaignRows.toLocaleString('en')} rows.`,
        '',
        `Loaded ${loaded.length} of ${allCodes.length} communes (${loadedRows.toLocaleString('en')} rows) ` +
          `in ${(loadMs / 1000).toFixed(1)} s (${Math.round(loadedRows / (loadMs / 1000)).toLocaleString('en')} rows/s); ` +
          `roll-up tables with their keys: ${mib(rollupBytes)} MiB (${tables.map(tableLine).join('; ')}).` +
          (extrapolated
            ? ` The load budget (${LOAD_BUDGET_MS / 1000} s) ended first: figures for all communes ` +
              `below are scaled linearly by ${(1 / fraction).toFixed(2)} and marked _extrapolated_.`
            : ''),
        '',
        '| Query (year, campaign topics) | Communes | Median of ' + REPORT_RUNS + ' | Goal |',
        '|---|---:|---:|---|',
        `| Province compliance, \`ReportsService.compliance\` (Thanh Hóa) | ${provinceCodes.length} | ${fmt(province.ms)} ms | |`,
        `| Province, raw SQL GROUP BY over \`airtime_daily\` | ${provinceCodes.length} | ${fmt(provinceRaw.ms)} ms | |`,
        `| National, \`AirtimeRepository.byCommuneTopic\` (airtime per commune × topic: 12 months of \`airtime_monthly\`) | ${loaded.length} | ${fmt(byTopic.ms)} ms | |`,
        `| National, raw SQL GROUP BY over \`airtime_daily\` (same sums) | ${loaded.length} | ${fmt(nationalRaw.ms)} ms | |`,
        `| National, \`AirtimeRepository.campaignDaysByCommune\` (campaign airtime and days at the daily minimum: 12 months of \`campaign_airtime_monthly\`) | ${loaded.length} | ${fmt(days.ms)} ms | |`,
        `| National, raw SQL GROUP BY over \`airtime_daily_set\` (same figures) | ${loaded.length} | ${fmt(daysRaw.ms)} ms | |`,
        `| **National compliance queries (the two above through the module, as \`ReportsService\` runs them)** | ${loaded.length} | **${fmt(national.ms)} ms** | ≤ ${GOAL_MS} ms: ${met ? 'met' : '**not met**'}${extrapolated ? ` (extrapolated to ${allCodes.length}: ${fmt(nationalFullMs)} ms)` : ''} |`,
        `| National as ${provinces.length} province compliance reports in a row (one run) | ${nationalByProvince.last} | ${fmt(nationalByProvince.ms)} ms | |`,
        '',
        `The module's national figures equal the raw GROUP BYs over the daily roll-ups: ` +
          `${nationalRaw.last.rows.length} commune × topic rows, ` +
          `${Math.round(rawTotal / 3_600_000).toLocaleString('en')} hours of airtime, and for each of ` +
          `${rawDays.size} communes the campaign airtime and the days at the minimum ` +
          `(${daysAtMinimum.toLocaleString('en')} commune-days in all); the bench stops otherwise. ` +
          `Through the module the national queries take ${fmt(national.ms)} ms against ` +
          `${fmt(nationalRaw.ms + daysRaw.ms)} ms for the raw GROUP BYs over the day rows ` +
          `(${(fullRows / 1e6).toFixed(1)} million roll-up rows a year). A range that is not whole ` +
          'months reads the days at its edges from the daily tables; campaign airtime over days ' +
          "outside the campaign's window (the uplift's baseline) still reads `airtime_daily_set`. " +
          `The machine was shared: load average ${loadBefore.toFixed(1)} before loading, ` +
          `${loadAfter.toFixed(1)} after the queries, on ${cpus().length} cores.`,
        '',
        '### Sizing',
        '',
        `- Roll-ups: ${rowsPerCommuneDay} day rows a commune-day → ${(allCodes.length * rowsPerCommuneDay).toLocaleString('en')} ` +
          `rows a day nationally; with the month rows ${fullRows.toLocaleString('en')} a year${extrapolated ? ' (extrapolated)' : ''}, ` +
          `and ${Math.round(campaignRows / fraction).toLocaleString('en')} for a year-long campaign; ` +
          `${mib(fullBytes)} MiB a year with keys, all five tables${extrapolated ? ' (extrapolated)' : ' (measured)'}. ` +
          'Each running campaign adds one day row a commune-day of its window and one month row a commune-month.',
        `- As-run records (assumed ${RECORDS_PER_COMMUNE_DAY} a commune-day, two windows of ~5 bulletins): ` +
          `${recordsPerDay.toLocaleString('en')} a day, ${(recordsPerDay * 365).toLocaleString('en')} a year; at an ` +
          `assumed ~${BYTES_PER_RECORD} bytes a record with indexes, ~${(rawBytesYear / 1024 ** 3).toFixed(1)} GiB a year (not measured here).`,
        `- Writes: ${recordsPerDay.toLocaleString('en')} records a day is ~${(recordsPerDay / 86400).toFixed(2)} a second on average; ` +
          `if every commune airs in the same morning window the peak is ~${allCodes.length} appends within minutes, ` +
          "each one short transaction locking only its own commune's chain head, well within one PostgreSQL. " +
          `Editing a national campaign's window, topics or minimum rebuilds its roll-ups (${fmt(campaignMs)} ms here for a year of ${loaded.length} communes), ` +
          'holding appends back meanwhile.',
        `- Instances: reports run one query at a time on one API instance (a national-year report ` +
          `${met ? 'within' : `at ${fmt(nationalFullMs)} ms, over`} ${GOAL_MS} ms from roll-ups); playout needs enough workers for the simultaneous plays — with ` +
          `PLAYOUT_CONCURRENCY 64 a worker, ${Math.ceil(allCodes.length / 64)} workers if all ${allCodes.length} ` +
          'communes start at once, one per province (34) being a comfortable layout. Two API+scheduler ' +
          'instances for availability. Media processing is per upload and scales with the same workers.',
      ].join('\n');
    } finally {
      await context?.close().catch(() => undefined);
      await client.end().catch(() => undefined);
      await withPg(PG_ADMIN_URL, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      ).catch(() => undefined);
      await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
