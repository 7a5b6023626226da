import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { QueueName } from '../src/queue/queue.constants';
import { AirtimeRepository } from '../src/reports/airtime.repository';
import { CampaignScope } from '../src/reports/campaign-rollups';
import { ReportsMaintenanceProcessor } from '../src/reports/reports-maintenance.processor';
import { REPORTS_JOB_SCHEDULERS } from '../src/reports/reports-scheduler.module';
import {
  AsRunModel,
  asRunCsv,
  datesBetween,
  localDateOf,
  Random,
  randomRecord,
  RecordInput,
  ServedRecord,
  SlotBook,
  Sums,
} from './support/as-run-data';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const COMMUNES = ['14797', '14812'];
const SEED = Number(process.env.ROLLUP_SEED ?? 20251010);
const DATES = datesBetween('2025-09-20', '2025-10-31');

type Raw = Record<string, string | number | null>;

/** The roll-up table as `commune|date|key` → sums (rows at zero are the same as no row). */
async function rollupRows(dataSource: DataSource, table: string, key: string) {
  const rows: Raw[] = await dataSource.query(
    `SELECT commune_code, local_date, ${key} AS k, aired_ms, plays FROM ${table}`,
  );
  const sums = new Map<string, Sums>();
  for (const row of rows) {
    const airedMs = Number(row.aired_ms);
    const plays = Number(row.plays);
    if (airedMs === 0 && plays === 0) continue;
    sums.set(`${String(row.commune_code)}|${String(row.local_date)}|${String(row.k)}`, {
      airedMs,
      plays,
    });
  }
  return sums;
}

/** Per commune, date and whole topic set (`|a|b|`), from the model. */
function bySet(model: AsRunModel): Map<string, Sums> {
  const sums = new Map<string, Sums>();
  for (const communeCode of model.communes()) {
    for (const record of model.inEffect(communeCode)) {
      const counted = AsRunModel.counted(record);
      if (counted.airedMs === 0 && counted.plays === 0) continue;
      const topics = [...new Set(record.topics)].sort();
      const key = `${communeCode}|${localDateOf(record.startedAt)}|${topics.length ? `|${topics.join('|')}|` : ''}`;
      const row = sums.get(key) ?? { airedMs: 0, plays: 0 };
      row.airedMs += counted.airedMs;
      row.plays += counted.plays;
      sums.set(key, row);
    }
  }
  return sums;
}

function sorted<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Every row of a query as `key` → the other columns as numbers, rows at zero included. */
async function keyed(dataSource: DataSource, sql: string, params: unknown[] = []) {
  const rows: Raw[] = await dataSource.query(sql, params);
  const map = new Map<string, number[]>();
  for (const row of rows) {
    const { k, ...values } = row;
    map.set(
      String(k),
      Object.keys(values)
        .sort()
        .map((name) => Number(values[name])),
    );
  }
  return map;
}

/** The roll-up tables a restore of older roll-ups would take back, for one commune. */
const ROLLUP_TABLES = [
  'airtime_daily',
  'airtime_daily_set',
  'airtime_monthly',
  'campaign_airtime_daily',
  'campaign_airtime_monthly',
];

/** A second campaign over part of the dates, with other topics and minimum than `cds-2025`. */
const SIDE_CAMPAIGN = {
  code: 'hoc-tap-so-2025',
  name: 'Học tập số mùa thu 2025',
  startsOn: '2025-09-25',
  endsOn: '2025-10-12',
  rules: [
    { topic: 'hoc-tap-so', minSecondsPerWeek: 300 },
    { topic: 'xa-hoi-so', minPlaysPerWeek: 3 },
  ],
  minDailySeconds: 240,
};

describe('daily roll-ups equal the raw sums of the as-run log (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let dataSource: DataSource;
  const clock = new ManualClock('2025-11-10T03:00:00.000Z');
  const random = new Random(SEED);
  const slots = new SlotBook();
  const model = new AsRunModel();

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    dataSource = app.app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  function freshRecords(communeCode: string, count: number): RecordInput[] {
    const records: RecordInput[] = [];
    while (records.length < count) {
      const start = slots.take(communeCode, random.pick(DATES));
      if (start) records.push(randomRecord(random, start));
    }
    return records;
  }

  /** A correction of a record in effect: same start, new outcome, airtime and topics. */
  function correctionOf(target: ServedRecord): RecordInput {
    const replacement = randomRecord(random, target.startedAt);
    const outcome = replacement.outcome === 'missed' ? 'partial' : replacement.outcome;
    const endedAt = new Date(
      Date.parse(target.startedAt) + random.int(60, 500) * 1000,
    ).toISOString();
    const spanMs = Date.parse(endedAt) - Date.parse(target.startedAt);
    return {
      outcome,
      title: replacement.title,
      topics: replacement.topics,
      startedAt: target.startedAt,
      endedAt,
      playedMs: outcome === 'aired' ? spanMs : random.int(1000, spanMs - 1),
      reason: 'Sửa nhật ký theo biên bản kiểm tra',
      correctsSeq: target.seq,
    };
  }

  async function batch(communeCode: string, records: RecordInput[], key?: string) {
    const request = app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log/batch`)
      .set(bearer(admin));
    if (key) request.set('Idempotency-Key', key);
    const response = await request.send({ records });
    if (response.status !== 201)
      throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    return response.body as {
      imported: number;
      duplicates: number;
      replayed: boolean;
      records: ServedRecord[];
    };
  }

  async function csvImport(communeCode: string, records: RecordInput[]) {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log/import`)
      .set(bearer(admin))
      .set('Content-Type', 'text/csv')
      .send(asRunCsv(records));
    expect(response.status).toBe(201);
    return response.body as { records: ServedRecord[] };
  }

  async function postOne(communeCode: string, record: RecordInput): Promise<ServedRecord> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log`)
      .set(bearer(admin))
      .send(record);
    if (response.status !== 201)
      throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    return response.body as ServedRecord;
  }

  async function campaigns(): Promise<CampaignScope[]> {
    const response = await app.http().get('/api/v1/campaigns').set(bearer(admin)).expect(200);
    return response.body as CampaignScope[];
  }

  /**
   * The month and per-campaign roll-ups hold exactly what the day roll-ups give by GROUP BY
   * (rows at zero included: a row exists when one of the rows it sums does).
   */
  async function expectCoarserRollupsEqualDaily(): Promise<void> {
    const month = 'substr(local_date, 1, 7)';
    expect(
      sorted(
        await keyed(
          dataSource,
          "SELECT commune_code || '|' || topic_code || '|' || month AS k, aired_ms, plays FROM airtime_monthly",
        ),
      ),
    ).toEqual(
      sorted(
        await keyed(
          dataSource,
          `SELECT commune_code || '|' || topic_code || '|' || ${month} AS k, SUM(aired_ms) AS aired_ms,
                  SUM(plays) AS plays FROM airtime_daily GROUP BY commune_code, topic_code, ${month}`,
        ),
      ),
    );
    const sets: Raw[] = await dataSource.query('SELECT topic_set FROM airtime_topic_set');
    const all = await campaigns();
    expect(all.length).toBeGreaterThan(0);
    for (const campaign of all) {
      const topics = campaign.rules.map((rule) => rule.topic);
      const ours = sets
        .map((row) => String(row.topic_set))
        .filter((key) => key.split('|').some((topic) => topics.includes(topic)))
        .map((key) => `'${key}'`);
      const fromSets = ours.length
        ? await keyed(
            dataSource,
            `SELECT commune_code || '|' || local_date AS k, SUM(aired_ms) AS aired_ms
               FROM airtime_daily_set
              WHERE local_date >= '${campaign.startsOn}' AND local_date <= '${campaign.endsOn}'
                AND topic_set IN (${ours.join(', ')})
              GROUP BY commune_code, local_date`,
          )
        : new Map<string, number[]>();
      const days = await keyed(
        dataSource,
        `SELECT commune_code || '|' || local_date AS k, aired_ms FROM campaign_airtime_daily
          WHERE campaign_code = '${campaign.code}'`,
      );
      expect({ campaign: campaign.code, days: sorted(days) }).toEqual({
        campaign: campaign.code,
        days: sorted(fromSets),
      });
      const months = new Map<string, number[]>();
      for (const [key, [airedMs]] of fromSets) {
        const [communeCode, date] = key.split('|');
        const id = `${communeCode}|${date.slice(0, 7)}`;
        const row = months.get(id) ?? [0, 0];
        row[0] += airedMs;
        row[1] += airedMs >= campaign.minDailySeconds * 1000 ? 1 : 0;
        months.set(id, row);
      }
      expect({
        campaign: campaign.code,
        months: sorted(
          await keyed(
            dataSource,
            `SELECT commune_code || '|' || month AS k, aired_ms, days_at_minimum
               FROM campaign_airtime_monthly WHERE campaign_code = '${campaign.code}'`,
          ),
        ),
      }).toEqual({ campaign: campaign.code, months: sorted(months) });
    }
  }

  async function expectRollupsEqualModel(): Promise<void> {
    expect(sorted(await rollupRows(dataSource, 'airtime_daily', 'topic_code'))).toEqual(
      sorted(model.dailyByTopic()),
    );
    expect(sorted(await rollupRows(dataSource, 'airtime_daily_set', 'topic_set'))).toEqual(
      sorted(bySet(model)),
    );
    await expectCoarserRollupsEqualDaily();
  }

  /** Takes a commune's roll-ups back to nothing, as a restore of older roll-ups would. */
  async function forgetRollups(communeCode: string): Promise<void> {
    for (const table of ROLLUP_TABLES) {
      await dataSource.query(`DELETE FROM ${table} WHERE commune_code = '${communeCode}'`);
    }
  }

  it(`stay equal through random batches, CSV imports, posts and corrections (seed ${SEED})`, async () => {
    for (let round = 0; round < 12; round += 1) {
      if (round === 4) {
        // Created over records already rolled up: its roll-ups are built from the set rows.
        await app
          .http()
          .post('/api/v1/campaigns')
          .set(bearer(admin))
          .send(SIDE_CAMPAIGN)
          .expect(201);
      } else if (round === 8) {
        // Another window, minimum and topics: rebuilt; later appends keep the new ones.
        await app
          .http()
          .patch(`/api/v1/campaigns/${SIDE_CAMPAIGN.code}`)
          .set(bearer(admin))
          .send({
            startsOn: '2025-09-28',
            endsOn: '2025-10-20',
            minDailySeconds: 90,
            rules: [...SIDE_CAMPAIGN.rules, { topic: 'ngay-cds-quoc-gia', minPlaysPerWeek: 1 }],
          })
          .expect(200);
        await expectRollupsEqualModel();
      }
      for (const communeCode of COMMUNES) {
        const action = random.int(0, 4);
        if (action === 0) {
          model.add(
            (await batch(communeCode, freshRecords(communeCode, random.int(5, 25)))).records,
          );
        } else if (action === 1) {
          model.add(
            (await csvImport(communeCode, freshRecords(communeCode, random.int(5, 20)))).records,
          );
        } else if (action === 2) {
          for (const record of freshRecords(communeCode, random.int(1, 4))) {
            model.add([await postOne(communeCode, record)]);
          }
        } else {
          // Corrections, of plain records and of corrections, one by one and in a batch.
          const candidates = model.inEffect(communeCode);
          if (candidates.length === 0) continue;
          const targets = new Set<ServedRecord>();
          for (let index = 0; index < random.int(1, 4); index += 1) {
            const corrections = candidates.filter((record) => record.correctsSeq !== null);
            targets.add(
              corrections.length > 0 && random.chance(0.4)
                ? random.pick(corrections)
                : random.pick(candidates),
            );
          }
          const fixes = [...targets].map(correctionOf);
          if (action === 3) {
            for (const fix of fixes) model.add([await postOne(communeCode, fix)]);
          } else {
            model.add(
              (await batch(communeCode, [...fixes, ...freshRecords(communeCode, 3)])).records,
            );
          }
        }
      }
      await expectRollupsEqualModel();
    }
    // A correction of a correction, at least once, whatever the seed did.
    const [communeCode] = COMMUNES;
    const latest = model.inEffect(communeCode).filter((record) => record.correctsSeq !== null);
    const first =
      latest[0] ?? (await postOne(communeCode, correctionOf(model.inEffect(communeCode)[0])));
    if (latest.length === 0) model.add([first]);
    model.add([await postOne(communeCode, correctionOf(first))]);
    await expectRollupsEqualModel();

    const all = COMMUNES.flatMap((code) => model.all(code));
    const corrections = all.filter((record) => record.correctsSeq !== null);
    const ofCorrections = corrections.filter((record) =>
      corrections.some(
        (other) => other.seq === record.correctsSeq && other.communeCode === record.communeCode,
      ),
    );
    expect(corrections.length).toBeGreaterThan(5);
    expect(ofCorrections.length).toBeGreaterThan(0);
    expect(all.some((record) => record.outcome === 'partial')).toBe(true);
    expect(all.some((record) => record.outcome === 'missed')).toBe(true);
  });

  it('stay equal when campaign edits run during appends (concurrent on PostgreSQL)', async () => {
    const windows = [
      { startsOn: '2025-09-22', endsOn: '2025-10-25', minDailySeconds: 60 },
      { startsOn: '2025-10-02', endsOn: '2025-10-30', minDailySeconds: 400 },
      { startsOn: '2025-09-20', endsOn: '2025-10-31', minDailySeconds: 200 },
    ];
    for (const window of windows) {
      const appends = COMMUNES.flatMap((communeCode) =>
        [0, 1].map(() => batch(communeCode, freshRecords(communeCode, 15))),
      );
      const edit = app
        .http()
        .patch(`/api/v1/campaigns/${SIDE_CAMPAIGN.code}`)
        .set(bearer(admin))
        .send(window);
      const [edited, ...written] = await Promise.all([edit, ...appends]);
      expect(edited.status).toBe(200);
      for (const each of written) model.add(each.records);
      await expectRollupsEqualModel();
    }
  });

  it('do not count a replayed batch or records the log already holds', async () => {
    const communeCode = COMMUNES[0];
    const records = freshRecords(communeCode, 6);
    const first = await batch(communeCode, records, 'nhap-lai-thang-10');
    model.add(first.records);
    const replay = await batch(communeCode, records, 'nhap-lai-thang-10');
    expect(replay).toMatchObject({ replayed: true, imported: 6 });
    const overlapping = await batch(communeCode, [
      ...records.slice(0, 3),
      ...freshRecords(communeCode, 2),
    ]);
    expect(overlapping).toMatchObject({ imported: 2, duplicates: 3 });
    model.add(overlapping.records);
    await expectRollupsEqualModel();
  });

  it('match the raw log recomputed from the database', async () => {
    const rows: Raw[] = await dataSource.query(
      'SELECT commune_code, seq, topics, started_at, ended_at, played_ms, outcome, corrects_seq, title, prev_hash, hash FROM playout_record',
    );
    const fromDb = new AsRunModel();
    fromDb.add(
      rows.map((row) => ({
        communeCode: String(row.commune_code),
        seq: Number(row.seq),
        topics: JSON.parse(String(row.topics)) as string[],
        startedAt: String(row.started_at),
        endedAt: String(row.ended_at),
        playedMs: Number(row.played_ms),
        outcome: row.outcome as ServedRecord['outcome'],
        correctsSeq: row.corrects_seq === null ? null : Number(row.corrects_seq),
        title: row.title === null ? null : String(row.title),
        prevHash: String(row.prev_hash),
        hash: String(row.hash),
      })),
    );
    expect(sorted(fromDb.dailyByTopic())).toEqual(sorted(model.dailyByTopic()));
    // The topic rows (what SQL over the log joins) carry each record's own topics.
    const topicRows: Raw[] = await dataSource.query(
      'SELECT r.seq, r.commune_code, r.topics, t.topic_code FROM playout_record r JOIN playout_record_topic t ON t.record_id = r.id',
    );
    const joined = new Map<string, string[]>();
    for (const row of topicRows) {
      const key = `${String(row.commune_code)}|${String(row.seq)}|${String(row.topics)}`;
      joined.set(key, [...(joined.get(key) ?? []), String(row.topic_code)].sort());
    }
    for (const [key, codes] of joined) {
      expect({ key, codes }).toEqual({
        key,
        codes: (JSON.parse(key.split('|')[2]) as string[]).sort(),
      });
    }
    expect(topicRows).toHaveLength(
      rows.reduce((sum, row) => sum + (JSON.parse(String(row.topics)) as string[]).length, 0),
    );
    const served = await app
      .http()
      .get(`/api/v1/communes/${COMMUNES[0]}/playout-log`)
      .set(bearer(admin))
      .expect(200);
    const byId = new Map((served.body as { id: string; seq: number }[]).map((r) => [r.seq, r.id]));
    for (const record of model.all(COMMUNES[0])) {
      expect({ seq: record.seq, id: (record as ServedRecord & { id: string }).id }).toEqual({
        seq: record.seq,
        id: byId.get(record.seq),
      });
    }
    expect(sorted(await rollupRows(dataSource, 'airtime_daily', 'topic_code'))).toEqual(
      sorted(fromDb.dailyByTopic()),
    );
  });

  it('are rebuilt from the log by an admin, and by nobody else', async () => {
    const monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-rollup',
      role: 'monitor',
      provinceCode: '38',
    });
    await app.http().post('/api/v1/reports/rollups/rebuild').set(bearer(monitor)).expect(403);
    await dataSource.query('UPDATE airtime_daily SET aired_ms = aired_ms + 7');
    await dataSource.query('UPDATE airtime_monthly SET plays = plays + 1');
    await dataSource.query(
      'UPDATE campaign_airtime_monthly SET days_at_minimum = days_at_minimum + 2',
    );
    await dataSource.query('DELETE FROM campaign_airtime_daily WHERE aired_ms > 400000');
    const rebuilt = await app
      .http()
      .post('/api/v1/reports/rollups/rebuild')
      .set(bearer(admin))
      .expect(200);
    expect(rebuilt.body).toEqual({
      communes: 2,
      records: COMMUNES.reduce((sum, code) => sum + model.all(code).length, 0),
    });
    await expectRollupsEqualModel();
    const one = await app
      .http()
      .post(`/api/v1/reports/rollups/rebuild?commune=${COMMUNES[1]}`)
      .set(bearer(admin))
      .expect(200);
    expect(one.body).toEqual({ communes: 1, records: model.all(COMMUNES[1]).length });
    await app
      .http()
      .post('/api/v1/reports/rollups/rebuild?commune=99999')
      .set(bearer(admin))
      .expect(404);
    await app
      .http()
      .post('/api/v1/reports/rollups/rebuild?commune=1')
      .set(bearer(admin))
      .expect(400);
    const audit = await dataSource.query(
      "SELECT COUNT(*) AS n FROM audit_event WHERE action = 'reports.rollups.rebuilt'",
    );
    expect(Number((audit as Raw[])[0].n)).toBe(2);
  });

  it('catch up with records written around them: in the next append, a report, or the job', async () => {
    const [a, b] = COMMUNES;
    // Roll-ups that lost track of commune a (as after restoring older roll-up tables).
    await forgetRollups(a);
    await dataSource.query(
      `UPDATE airtime_rollup_state SET rolled_seq = 0 WHERE commune_code = '${a}'`,
    );
    // The next append rolls up the gap before its own records.
    model.add([await postOne(a, freshRecords(a, 1)[0])]);
    await expectRollupsEqualModel();

    // A report catches up a commune left behind.
    await forgetRollups(b);
    await dataSource.query(`DELETE FROM airtime_rollup_state WHERE commune_code = '${b}'`);
    await app
      .http()
      .get('/api/v1/reports/compliance?campaign=cds-2025&province=38')
      .set(bearer(admin))
      .expect(200);
    await expectRollupsEqualModel();

    // So does the maintenance job.
    await forgetRollups(a);
    await dataSource.query(
      `UPDATE airtime_rollup_state SET rolled_seq = 0 WHERE commune_code = '${a}'`,
    );
    const processor = app.app.get(ReportsMaintenanceProcessor);
    const run = await processor.process({ name: 'maintenance.rollup', data: {} } as Job);
    expect(run).toEqual({ communes: 1, records: model.all(a).length });
    await expectRollupsEqualModel();
  });

  it('give the same sums over any range as the day roll-ups: whole months, edges, another minimum', async () => {
    const airtime = app.app.get(AirtimeRepository);
    const all = await campaigns();
    const ranges = [
      { from: '2025-10-01', to: '2025-10-31' },
      { from: '2025-09-01', to: '2025-10-31' },
      { from: '2025-09-20', to: '2025-11-10' },
      { from: '2025-10-06', to: '2025-10-12' },
    ];
    for (let index = 0; index < 8; index += 1) {
      const [from, to] = [random.pick(DATES), random.pick(DATES)].sort();
      ranges.push({ from, to });
    }
    for (const campaign of all) {
      const topics = campaign.rules.map((rule) => rule.topic);
      for (const range of ranges) {
        const byTopic = await airtime.byCommuneTopic(COMMUNES, range, topics);
        const raw = await keyed(
          dataSource,
          `SELECT commune_code || '|' || topic_code AS k, SUM(aired_ms) AS aired_ms,
                  SUM(plays) AS plays FROM airtime_daily
            WHERE local_date >= '${range.from}' AND local_date <= '${range.to}'
              AND topic_code IN (${topics.map((topic) => `'${topic}'`).join(', ')})
            GROUP BY commune_code, topic_code`,
        );
        expect({
          range,
          rows: sorted(
            new Map(
              byTopic.map((row) => [`${row.communeCode}|${row.topic}`, [row.airedMs, row.plays]]),
            ),
          ),
        }).toEqual({ range, rows: sorted(raw) });

        // Within the window the campaign roll-ups answer; a window that does not hold the
        // range sends the same question to the set roll-up.
        const inWindow = {
          from: range.from < campaign.startsOn ? campaign.startsOn : range.from,
          to: range.to > campaign.endsOn ? campaign.endsOn : range.to,
        };
        if (inWindow.from > inWindow.to) continue;
        const outside: CampaignScope = { ...campaign, endsOn: '2000-01-01' };
        for (const minDailyMs of [campaign.minDailySeconds * 1000, 0, 150_000]) {
          const fast = await airtime.campaignDaysByCommune(
            COMMUNES,
            inWindow,
            campaign,
            minDailyMs,
          );
          const slow = await airtime.campaignDaysByCommune(COMMUNES, inWindow, outside, minDailyMs);
          expect({
            campaign: campaign.code,
            inWindow,
            minDailyMs,
            rows: [...fast].sort((x, y) => x.communeCode.localeCompare(y.communeCode)),
          }).toEqual({
            campaign: campaign.code,
            inWindow,
            minDailyMs,
            rows: [...slow].sort((x, y) => x.communeCode.localeCompare(y.communeCode)),
          });
        }
      }
    }
  });

  it('has its job schedulers on the maintenance queue, once', async () => {
    const queue = app.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    const schedulers = await queue.getJobSchedulers();
    const ours = schedulers.filter((scheduler) =>
      (Object.values(REPORTS_JOB_SCHEDULERS) as string[]).includes(scheduler.key),
    );
    expect(
      ours
        .map(({ key, name, every }) => ({ key, name, every }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      {
        key: REPORTS_JOB_SCHEDULERS.checkpoints,
        name: 'maintenance.checkpoints',
        every: 24 * 3_600_000,
      },
      {
        key: REPORTS_JOB_SCHEDULERS.chainCheck,
        name: 'maintenance.chain-check',
        every: 10 * 60_000,
      },
      {
        key: REPORTS_JOB_SCHEDULERS.chainFullCheck,
        name: 'maintenance.chain-check',
        every: 24 * 3_600_000,
      },
      {
        key: REPORTS_JOB_SCHEDULERS.rollupCatchUp,
        name: 'maintenance.rollup',
        every: 15 * 60_000,
      },
      {
        key: REPORTS_JOB_SCHEDULERS.statsPush,
        name: 'maintenance.stats-push',
        every: 15 * 60_000,
      },
    ]);
    const full = ours.find((scheduler) => scheduler.key === REPORTS_JOB_SCHEDULERS.chainFullCheck);
    expect(full?.template?.data).toEqual({ all: true });
  });
});
