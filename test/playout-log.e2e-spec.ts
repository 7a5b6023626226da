import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Bulletin } from '../src/bulletins/entities/bulletin.entity';
import { selectRows } from '../src/database/bulk-insert';
import { Db } from '../src/database/db.service';
import { AsRunLedger } from '../src/playout/as-run-ledger';
import { MAX_BATCH_RECORDS } from '../src/playout/dto/playout-record.dto';
import { PlayoutRecord } from '../src/playout/entities/playout-record.entity';
import {
  CHAINED_SELECT,
  chainedFromRow,
  ChainedRow,
  RECORD_SELECT,
  recordFromRow,
  RecordRow,
} from '../src/playout/record-rows';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { runPython } from './support/python';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Communes of Thanh Hóa (38): Phường Hạc Thành, Hàm Rồng, Bỉm Sơn, Quang Trung; and Hà Nội's Phường Ba Đình. */
const HAC_THANH = '14797';
const TAMPERED = '14758';
const PARALLEL = '14812';
const IMPORTS = '14818';
/** Xã Mường Lát: a relay's record, written by the ledger itself. */
const RELAYED = '14845';
const OTHER_PROVINCE = '00004';

interface RecordJson {
  id: string;
  communeCode: string;
  seq: number;
  scheduleItemId: string | null;
  attempt: number;
  bulletinId: string | null;
  title: string | null;
  topics: string[];
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: string;
  source: string;
  correctsSeq: number | null;
  reason: string | null;
  prevHash: string;
  hash: string;
}

/**
 * The chain as DESIGN.md defines it, written here from the text and not from the service's
 * code: what a province's own script would do with an export.
 */
function recomputeChain(records: RecordJson[]): { ok: boolean; brokenAtSeq?: number } {
  let prevHash = '0'.repeat(64);
  let expectedSeq = 1;
  for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
    const canonical =
      `{"communeCode":${JSON.stringify(record.communeCode)}` +
      `,"seq":${record.seq}` +
      `,"scheduleItemId":${JSON.stringify(record.scheduleItemId)}` +
      `,"bulletinId":${JSON.stringify(record.bulletinId)}` +
      `,"topics":${JSON.stringify([...record.topics].sort())}` +
      `,"startedAt":${JSON.stringify(new Date(record.startedAt).toISOString())}` +
      `,"endedAt":${JSON.stringify(new Date(record.endedAt).toISOString())}` +
      `,"playedMs":${record.playedMs}` +
      `,"outcome":${JSON.stringify(record.outcome)}` +
      `,"source":${JSON.stringify(record.source)}` +
      `,"correctsSeq":${JSON.stringify(record.correctsSeq)}}`;
    const hash = createHash('sha256').update(`${prevHash}\n${canonical}`, 'utf8').digest('hex');
    if (record.seq !== expectedSeq || record.prevHash !== prevHash || record.hash !== hash) {
      return { ok: false, brokenAtSeq: expectedSeq };
    }
    prevHash = hash;
    expectedSeq += 1;
  }
  return { ok: true };
}

jest.setTimeout(60000);

const at = (local: string): string => `${local}+07:00`;

/** The verification script README.md gives provinces, taken from the README itself. */
function readmeVerifyScript(): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Verifying the hash chain yourself'));
  const match = /```python\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no verification script');
  return match[1];
}

describe('as-run log (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let operator: string;
  let monitor: string;
  let otherOperator: string;
  let bulletin: Bulletin;
  let libraryBulletin: Bulletin;
  let foreignBulletin: Bulletin;

  const log = (commune: string, token: string) =>
    app.http().get(`/api/v1/communes/${commune}/playout-log`).set(bearer(token));
  const post = (commune: string, token: string, body: object, key?: string) => {
    const request = app
      .http()
      .post(`/api/v1/communes/${commune}/playout-log`)
      .set(bearer(token))
      .send(body);
    return key ? request.set('Idempotency-Key', key) : request;
  };
  const verify = async (commune: string) =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${commune}/playout-log/verify`)
        .set(bearer(admin))
        .expect(200)
    ).body as { ok: boolean; count?: number; brokenAtSeq?: number };
  const records = async (commune: string) =>
    (await log(commune, admin).expect(200)).body as RecordJson[];

  beforeAll(async () => {
    storage = await createTestStorage();
    // The API alone: no player or overdue check touches the hand-made items below.
    app = await startTestApp(storage, { APP_ROLES: 'api' });
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: '38',
    });
    otherOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-khac',
      role: 'operator',
      communeCode: TAMPERED,
    });
    bulletin = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: '38',
      title: 'Bản tin chuyển đổi số: dịch vụ công trực tuyến toàn trình',
      topics: ['kinh-te-so', 'chinh-quyen-so'],
    });
    libraryBulletin = await insertBulletin(app, {
      communeCode: null,
      provinceCode: '38',
      title: 'Ngày Chuyển đổi số quốc gia 10/10',
      topics: ['ngay-cds-quoc-gia'],
    });
    foreignBulletin = await insertBulletin(app, {
      communeCode: OTHER_PROVINCE,
      provinceCode: '01',
      title: 'Bản tin của Hà Nội',
      topics: ['xa-hoi-so'],
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('appends manual records with defaults from the item and bulletin, and verifies', async () => {
    const item = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: bulletin.id,
      startsAt: new Date(at('2025-10-01T05:30:00.000')),
      durationMs: 120000,
    });
    const first = await post(HAC_THANH, operator, {
      outcome: 'aired',
      scheduleItemId: item.id,
      startedAt: at('2025-10-01T05:30:00.250'),
      endedAt: at('2025-10-01T05:32:00.250'),
    }).expect(201);
    expect(first.body).toMatchObject({
      communeCode: HAC_THANH,
      seq: 1,
      scheduleItemId: item.id,
      attempt: 2,
      bulletinId: bulletin.id,
      title: 'Bản tin chuyển đổi số: dịch vụ công trực tuyến toàn trình',
      topics: ['chinh-quyen-so', 'kinh-te-so'],
      startedAt: '2025-09-30T22:30:00.250Z',
      endedAt: '2025-09-30T22:32:00.250Z',
      playedMs: 120000,
      outcome: 'aired',
      source: 'operator',
      correctsSeq: null,
      prevHash: '0'.repeat(64),
    });
    expect((first.body as RecordJson).hash).toMatch(/^[0-9a-f]{64}$/);
    const status = await app.app.get(DataSource).manager.findOneByOrFail(ScheduleItem, {
      id: item.id,
    });
    expect(status.status).toBe('aired');

    const missedItem = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: libraryBulletin.id,
      startsAt: new Date(at('2025-10-01T17:00:00.000')),
      durationMs: 60000,
    });
    const missed = await post(HAC_THANH, operator, {
      outcome: 'missed',
      scheduleItemId: missedItem.id,
      reason: 'Mất điện toàn phường',
    }).expect(201);
    expect(missed.body).toMatchObject({
      seq: 2,
      bulletinId: libraryBulletin.id,
      topics: ['ngay-cds-quoc-gia'],
      startedAt: '2025-10-01T10:00:00.000Z',
      endedAt: '2025-10-01T10:00:00.000Z',
      playedMs: 0,
      outcome: 'missed',
      reason: 'Mất điện toàn phường',
      prevHash: (first.body as RecordJson).hash,
    });
    const missedStatus = await app.app.get(DataSource).manager.findOneByOrFail(ScheduleItem, {
      id: missedItem.id,
    });
    expect(missedStatus.status).toBe('missed');

    const partial = await post(HAC_THANH, admin, {
      outcome: 'partial',
      title: 'Phát thanh trực tiếp từ hội trường',
      topics: ['mo-hinh-2-cap', 'chinh-quyen-so'],
      startedAt: '2025-10-02T00:00:00Z',
      endedAt: '2025-10-02T00:10:00Z',
      playedMs: 400000,
      source: 'import',
    }).expect(201);
    expect(partial.body).toMatchObject({
      seq: 3,
      bulletinId: null,
      scheduleItemId: null,
      attempt: 1,
      topics: ['chinh-quyen-so', 'mo-hinh-2-cap'],
      playedMs: 400000,
      source: 'import',
    });

    expect(await verify(HAC_THANH)).toEqual({ ok: true, count: 3 });
    const monitorView = await log(HAC_THANH, monitor).expect(200);
    expect((monitorView.body as RecordJson[]).map((record) => record.seq)).toEqual([1, 2, 3]);
  });

  it('lets anyone recompute the chain from the JSON alone, following DESIGN.md', async () => {
    const served = await records(HAC_THANH);
    expect(served.length).toBeGreaterThanOrEqual(3);
    for (const record of served) {
      expect(record.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(record.endedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(recomputeChain(served)).toEqual({ ok: true });
    const forged = served.map((record) =>
      record.seq === 2 ? { ...record, topics: ['kinh-te-so'] } : record,
    );
    expect(recomputeChain(forged)).toEqual({ ok: false, brokenAtSeq: 2 });

    const script = readmeVerifyScript();
    expect((await runPython(script, JSON.stringify(served))).trim()).toBe(`ok ${served.length}`);
    await expect(runPython(script, JSON.stringify(forged))).rejects.toThrow('broken at seq 2');
  });

  it('filters by local days', async () => {
    const onFirst = await log(HAC_THANH, admin).query({ from: '2025-10-01', to: '2025-10-01' });
    expect((onFirst.body as RecordJson[]).map((record) => record.seq)).toEqual([1, 2]);
    const onSecond = await log(HAC_THANH, admin).query({ from: '2025-10-02' });
    expect((onSecond.body as RecordJson[]).map((record) => record.seq)).toEqual([3]);
    await log(HAC_THANH, admin).query({ from: '2025-02-30' }).expect(400);
    await log(HAC_THANH, admin).query({ from: '2025-10-02', to: '2025-10-01' }).expect(400);
  });

  it('makes verify name the seq of a record changed in the database', async () => {
    for (let index = 0; index < 4; index += 1) {
      const start = new Date(Date.parse('2025-10-03T00:00:00Z') + index * 600000);
      await post(TAMPERED, admin, {
        outcome: 'aired',
        bulletinId: undefined,
        title: `Bản tin số ${index + 1}`,
        topics: ['xa-hoi-so'],
        startedAt: start.toISOString(),
        endedAt: new Date(start.getTime() + 90000).toISOString(),
      }).expect(201);
    }
    expect(await verify(TAMPERED)).toEqual({ ok: true, count: 4 });
    const dataSource = app.app.get(DataSource);
    await dataSource.query(
      `UPDATE playout_record SET played_ms = played_ms - 30000 WHERE commune_code = '${TAMPERED}' AND seq = 3`,
    );
    expect(await verify(TAMPERED)).toEqual({ ok: false, brokenAtSeq: 3 });
    expect(recomputeChain(await records(TAMPERED))).toEqual({ ok: false, brokenAtSeq: 3 });
    await dataSource.query(
      `UPDATE playout_record SET played_ms = played_ms + 30000 WHERE commune_code = '${TAMPERED}' AND seq = 3`,
    );
    expect(await verify(TAMPERED)).toEqual({ ok: true, count: 4 });
    await dataSource.query(
      `DELETE FROM playout_record WHERE commune_code = '${TAMPERED}' AND seq = 4`,
    );
    expect(await verify(TAMPERED)).toEqual({ ok: false, brokenAtSeq: 4 });
  });

  it("reads records as plain rows exactly as TypeORM builds them, a relay's segments too", async () => {
    // A relay's record with the devices' coverage, the fields no post through the API sets.
    await app.app.get(Db).write(async (manager) => {
      const ledger = app.app.get(AsRunLedger);
      const head = await ledger.lockHead(manager, RELAYED);
      await ledger.append(manager, head, [
        {
          communeCode: RELAYED,
          scheduleItemId: null,
          attempt: 1,
          bulletinId: null,
          title: 'Tiếp sóng Đài Phát thanh và Truyền hình Thanh Hóa',
          topics: ['xa-hoi-so', 'chinh-quyen-so'],
          startedAt: new Date('2025-10-04T23:00:00.000Z'),
          endedAt: new Date('2025-10-04T23:30:00.000Z'),
          playedMs: 1_790_000,
          outcome: 'partial',
          source: 'devices',
          correctsSeq: null,
          reason: 'Mất tín hiệu nguồn 10 giây',
          devices: { targeted: 14, aired: 12, partial: 1, missed: 1, unreported: 0 },
          segments: [
            {
              url: 'http://127.0.0.1:8000/thanh-hoa.mp3',
              startedAt: '2025-10-04T23:00:00.000Z',
              endedAt: '2025-10-04T23:15:00.000Z',
              reason: 'start',
            },
            {
              silence: true,
              startedAt: '2025-10-04T23:15:00.000Z',
              endedAt: '2025-10-04T23:15:10.000Z',
              reason: 'stalled',
            },
          ],
        },
      ]);
    });
    const { manager } = app.app.get(DataSource);
    const entities = await manager.find(PlayoutRecord, {
      order: { communeCode: 'ASC', seq: 'ASC' },
    });
    const order = 'ORDER BY commune_code, seq';
    const rows = await selectRows<RecordRow>(
      manager,
      `SELECT ${RECORD_SELECT} FROM playout_record ${order}`,
      [],
    );
    expect(new Set(entities.map((record) => record.communeCode))).toEqual(
      new Set([HAC_THANH, TAMPERED, RELAYED]),
    );
    expect(rows.map(recordFromRow)).toEqual(entities);
    const chained = await selectRows<ChainedRow>(
      manager,
      `SELECT ${CHAINED_SELECT} FROM playout_record ${order}`,
      [],
    );
    expect(chained.map(chainedFromRow)).toEqual(
      entities.map((record) => ({
        communeCode: record.communeCode,
        seq: record.seq,
        scheduleItemId: record.scheduleItemId,
        bulletinId: record.bulletinId,
        topics: record.topics,
        startedAt: record.startedAt,
        endedAt: record.endedAt,
        playedMs: record.playedMs,
        outcome: record.outcome,
        source: record.source,
        correctsSeq: record.correctsSeq,
        segments: record.segments,
        prevHash: record.prevHash,
        hash: record.hash,
      })),
    );

    // The chain check reads those rows: what a relay played is covered by its hash.
    expect(await verify(RELAYED)).toEqual({ ok: true, count: 1 });
    await manager.query(
      `UPDATE playout_record SET segments = REPLACE(segments, 'stalled', 'failed') WHERE commune_code = '${RELAYED}'`,
    );
    expect(await verify(RELAYED)).toEqual({ ok: false, brokenAtSeq: 1 });
  });

  it('is idempotent by Idempotency-Key and by content', async () => {
    const body = {
      outcome: 'aired',
      bulletinId: bulletin.id,
      startedAt: at('2025-10-04T05:30:00.000'),
      endedAt: at('2025-10-04T05:31:30.000'),
    };
    const first = await post(HAC_THANH, operator, body, 'xac-nhan-2025-10-04-sang').expect(201);
    const again = await post(HAC_THANH, operator, body, 'xac-nhan-2025-10-04-sang').expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const sameContent = await post(HAC_THANH, operator, body, 'mot-khoa-khac').expect(201);
    expect((sameContent.body as RecordJson).id).toBe((first.body as RecordJson).id);
    const withoutKey = await post(HAC_THANH, operator, body).expect(201);
    expect((withoutKey.body as RecordJson).id).toBe((first.body as RecordJson).id);
    const conflict = await post(
      HAC_THANH,
      operator,
      { ...body, playedMs: 80000 },
      'xac-nhan-2025-10-04-sang',
    ).expect(409);
    expect(conflict.body).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    const all = await records(HAC_THANH);
    expect(all.filter((record) => record.startedAt === '2025-10-03T22:30:00.000Z')).toHaveLength(1);
    expect(await verify(HAC_THANH)).toEqual({ ok: true, count: all.length });
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await records(HAC_THANH);
    const valid = {
      outcome: 'aired',
      bulletinId: bulletin.id,
      startedAt: at('2025-10-05T05:30:00.000'),
      endedAt: at('2025-10-05T05:31:00.000'),
    };
    // Access is decided before the body is looked at.
    const asMonitor = await post(HAC_THANH, monitor, { nonsense: true }).expect(403);
    expect(asMonitor.body).toMatchObject({ statusCode: 403 });
    await post(HAC_THANH, otherOperator, valid).expect(403);
    await app.http().post(`/api/v1/communes/${HAC_THANH}/playout-log`).send(valid).expect(401);
    await post('99999', admin, valid).expect(404);

    // A record of this item starts from 05:59 to 06:03 (a minute early, a minute late).
    const item = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: bulletin.id,
      startsAt: new Date(at('2025-10-05T06:00:00.000')),
      durationMs: 120000,
    });
    const future = Date.now() + 3600000;
    // The name, the body, the status, the code, and the fields of the refusal (a check's rule).
    const bad: [string, object, number, string?, object?][] = [
      ['no outcome', { ...valid, outcome: undefined }, 400],
      ['unknown outcome', { ...valid, outcome: 'played' }, 400],
      ['automation source', { ...valid, source: 'automation' }, 400],
      ['instant without offset', { ...valid, startedAt: '2025-10-05T05:30:00' }, 400],
      ['not a date', { ...valid, endedAt: 'hôm qua' }, 400],
      ['negative playedMs', { ...valid, playedMs: -1 }, 400],
      ['unknown field', { ...valid, seq: 7 }, 400],
      ['bad topic code', { ...valid, topics: ['Kinh tế số'] }, 400],
      ['not a uuid', { ...valid, bulletinId: 'ban-tin-1' }, 400],
      [
        'unknown topic',
        { ...valid, topics: ['chu-de-la'] },
        422,
        'TOPIC_UNKNOWN',
        { topics: ['chu-de-la'] },
      ],
      [
        'ends before it starts',
        { ...valid, endedAt: at('2025-10-05T05:29:00.000') },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'ended-before-started' },
      ],
      [
        'in the future',
        {
          ...valid,
          startedAt: new Date(future).toISOString(),
          endedAt: new Date(future + 100000).toISOString(),
        },
        422,
        'PLAYOUT_TIME_OUT_OF_RANGE',
        { field: 'startedAt', time: new Date(future).toISOString(), latest: expect.any(String) },
      ],
      [
        'before the log began',
        {
          ...valid,
          startedAt: at('2019-12-31T23:00:00.000'),
          endedAt: at('2019-12-31T23:01:00.000'),
        },
        422,
        'PLAYOUT_TIME_OUT_OF_RANGE',
        {
          field: 'startedAt',
          time: '2019-12-31T16:00:00.000Z',
          earliest: '2019-12-31T17:00:00.000Z',
        },
      ],
      [
        'a day after its item',
        {
          outcome: 'aired',
          scheduleItemId: item.id,
          startedAt: at('2025-10-06T06:00:00.000'),
          endedAt: at('2025-10-06T06:02:00.000'),
        },
        422,
        'PLAYOUT_ITEM_TIME_MISMATCH',
        {
          scheduleItemId: item.id,
          startedAt: '2025-10-05T23:00:00.000Z',
          plannedStart: '2025-10-04T23:00:00.000Z',
          plannedEnd: '2025-10-04T23:02:00.000Z',
          earliest: '2025-10-04T22:59:00.000Z',
          latest: '2025-10-04T23:03:00.000Z',
          earlyToleranceMs: 60000,
          lateToleranceMs: 60000,
        },
      ],
      [
        'played longer than it ran',
        { ...valid, playedMs: 60001 },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'played-longer-than-span', playedMs: 60001, spanMs: 60000 },
      ],
      [
        'aired nothing',
        { ...valid, playedMs: 0 },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'nothing-played', outcome: 'aired' },
      ],
      [
        'missed with audio',
        // Ending when it starts, as a missed record does: refused for its audio alone.
        { ...valid, outcome: 'missed', reason: 'x', endedAt: valid.startedAt, playedMs: 5 },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'missed-played', playedMs: 5 },
      ],
      [
        'failed without reason',
        { ...valid, outcome: 'failed' },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'reason-required', outcome: 'failed', correctsSeq: null },
      ],
      [
        'neither bulletin nor title',
        { ...valid, bulletinId: undefined, topics: ['kinh-te-so'] },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'no-bulletin-or-title' },
      ],
      [
        "another province's bulletin",
        { ...valid, bulletinId: foreignBulletin.id },
        404,
        'BULLETIN_NOT_FOUND',
      ],
      [
        'unknown item',
        { ...valid, scheduleItemId: '0b6a3c1d-2e4f-4a5b-9c8d-7e6f5a4b3c2d' },
        404,
        'SCHEDULE_ITEM_NOT_FOUND',
      ],
      [
        'corrects a seq that does not exist',
        { ...valid, correctsSeq: 999, reason: 'sửa' },
        422,
        'PLAYOUT_CORRECTS_UNKNOWN',
        { correctsSeq: 999 },
      ],
      [
        'correction without reason',
        { ...valid, correctsSeq: 1 },
        422,
        'PLAYOUT_RECORD_INVALID',
        { rule: 'reason-required', outcome: 'aired', correctsSeq: 1 },
      ],
      [
        'overlaps seq 1',
        {
          ...valid,
          startedAt: at('2025-10-01T05:31:00.000'),
          endedAt: at('2025-10-01T05:33:00.000'),
        },
        409,
        'PLAYOUT_OVERLAP',
        {
          overlapsSeq: 1,
          overlapsStartedAt: '2025-09-30T22:30:00.250Z',
          overlapsEndedAt: '2025-09-30T22:32:00.250Z',
          overlapsTitle: 'Bản tin chuyển đổi số: dịch vụ công trực tuyến toàn trình',
        },
      ],
    ];
    for (const [name, body, status, code, refusal] of bad) {
      const response = await post(HAC_THANH, operator, body);
      expect({ name, status: response.status }).toEqual({ name, status });
      expect(response.body).toMatchObject({ statusCode: status, message: expect.any(String) });
      if (code) expect(response.body).toMatchObject({ code });
      if (refusal) expect({ name, ...response.body }).toMatchObject({ name, ...refusal });
    }
    await post(HAC_THANH, operator, valid, 'khoa co dau cach').expect(400);
    await post(HAC_THANH, operator, valid, 'k'.repeat(201)).expect(400);
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(operator))
      .set('Content-Type', 'application/json')
      .send('{"outcome": "aired",')
      .expect(400);

    expect(await records(HAC_THANH)).toEqual(before);
    expect(await verify(HAC_THANH)).toEqual({ ok: true, count: before.length });
  });

  it('takes corrections as new records pointing at an existing seq, once', async () => {
    const before = await records(HAC_THANH);
    const wrong = before.find((record) => record.seq === 3)!;
    const correction = await post(HAC_THANH, operator, {
      outcome: 'aired',
      title: wrong.title,
      topics: wrong.topics,
      startedAt: wrong.startedAt,
      endedAt: wrong.endedAt,
      correctsSeq: 3,
      reason: 'Nhập nhầm: bản tin đã phát trọn vẹn',
    }).expect(201);
    expect(correction.body).toMatchObject({
      seq: before.length + 1,
      correctsSeq: 3,
      outcome: 'aired',
      playedMs: 600000,
    });
    const twice = await post(HAC_THANH, operator, {
      outcome: 'partial',
      title: wrong.title,
      topics: wrong.topics,
      startedAt: wrong.startedAt,
      endedAt: wrong.endedAt,
      playedMs: 1000,
      correctsSeq: 3,
      reason: 'lần nữa',
    }).expect(409);
    expect(twice.body).toMatchObject({ code: 'PLAYOUT_ALREADY_CORRECTED' });
    const after = await records(HAC_THANH);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(await verify(HAC_THANH)).toEqual({ ok: true, count: before.length + 1 });
  });

  it('keeps the chain gapless under parallel writers, and one record per key', async () => {
    const bodies = Array.from({ length: 24 }, (_, index) => {
      const start = Date.parse('2025-10-06T00:00:00Z') + index * 120000;
      return {
        outcome: 'aired',
        title: `Tin ngắn ${index + 1}`,
        topics: ['hoc-tap-so'],
        startedAt: new Date(start).toISOString(),
        endedAt: new Date(start + 60000).toISOString(),
      };
    });
    const responses = await Promise.all(
      bodies.map((body, index) => post(PARALLEL, admin, body, `song-song-${index}`)),
    );
    expect(responses.map((response) => response.status)).toEqual(bodies.map(() => 201));
    const sameKey = await Promise.all(
      Array.from({ length: 6 }, () => post(PARALLEL, admin, bodies[0], 'cung-mot-khoa')),
    );
    expect(sameKey.map((response) => response.status)).toEqual(sameKey.map(() => 201));
    expect(new Set(sameKey.map((response) => (response.body as RecordJson).id)).size).toBe(1);
    const overlapping = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        post(PARALLEL, admin, {
          outcome: 'aired',
          title: `Chồng lấn ${index}`,
          playedMs: 50000 + index,
          startedAt: '2025-10-07T00:00:00.000Z',
          endedAt: '2025-10-07T00:01:00.000Z',
        }),
      ),
    );
    expect(overlapping.map((response) => response.status).sort()).toEqual([
      201, 409, 409, 409, 409, 409,
    ]);
    const served = await records(PARALLEL);
    expect(served.map((record) => record.seq)).toEqual(
      Array.from({ length: 25 }, (_, index) => index + 1),
    );
    expect(recomputeChain(served)).toEqual({ ok: true });
    expect(await verify(PARALLEL)).toEqual({ ok: true, count: 25 });
  });

  describe('import', () => {
    const csvUrl = `/api/v1/communes/${IMPORTS}/playout-log/import`;
    const csv = [
      'startedAt;endedAt;outcome;title;topics;playedMs;reason',
      '01/10/2025 05:30:00;01/10/2025 05:35:00;aired;"Bản tin sáng: Chuyển đổi số, người dân hưởng lợi";chinh-quyen-so|xa-hoi-so;;',
      '2025-10-01 11:00:00;2025-10-01 11:04:30.500;partial;Mô hình chính quyền địa phương 2 cấp;mo-hinh-2-cap;200000;Mất sóng giữa chừng',
      '2025-10-01T17:00:00+07:00;;missed;Kinh tế số cho hộ kinh doanh;kinh-te-so;;Máy phát hỏng',
    ].join('\r\n');

    it('imports a UTF-8 CSV with Vietnamese names, idempotently', async () => {
      const first = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv; charset=utf-8')
        .set('Idempotency-Key', 'nhap-2025-10-01')
        .send(csv)
        .expect(201);
      expect(first.body).toMatchObject({ imported: 3, duplicates: 0, replayed: false });
      const imported = (first.body as { records: RecordJson[] }).records;
      expect(imported.map((record) => [record.seq, record.outcome, record.playedMs])).toEqual([
        [1, 'aired', 300000],
        [2, 'partial', 200000],
        [3, 'missed', 0],
      ]);
      expect(imported[0]).toMatchObject({
        title: 'Bản tin sáng: Chuyển đổi số, người dân hưởng lợi',
        topics: ['chinh-quyen-so', 'xa-hoi-so'],
        startedAt: '2025-09-30T22:30:00.000Z',
        source: 'import',
      });
      expect(imported[1]).toMatchObject({ endedAt: '2025-10-01T04:04:30.500Z' });
      expect(imported[2]).toMatchObject({
        startedAt: '2025-10-01T10:00:00.000Z',
        endedAt: '2025-10-01T10:00:00.000Z',
        reason: 'Máy phát hỏng',
      });

      const again = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .set('Idempotency-Key', 'nhap-2025-10-01')
        .send(csv)
        .expect(201);
      expect(again.body).toMatchObject({ id: (first.body as { id: string }).id, replayed: true });
      // The same file again under another key, as a multipart upload: the same result.
      const multipart = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Idempotency-Key', 'nhap-lan-hai')
        .attach('file', Buffer.from(csv, 'utf8'), {
          filename: 'nhat-ky.csv',
          contentType: 'text/csv',
        })
        .expect(201);
      expect(multipart.body).toMatchObject({
        id: (first.body as { id: string }).id,
        replayed: true,
      });
      // A longer file that repeats those rows imports only the new one.
      const longer = `${csv}\r\n2025-10-02 05:30:00;2025-10-02 05:31:00;aired;Tin mới;kinh-te-so;;`;
      const extended = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .send(longer)
        .expect(201);
      expect(extended.body).toMatchObject({ imported: 1, duplicates: 3 });
      const conflict = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .set('Idempotency-Key', 'nhap-2025-10-01')
        .send(longer)
        .expect(409);
      expect(conflict.body).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
      expect(await verify(IMPORTS)).toEqual({ ok: true, count: 4 });
    });

    it('names every bad row with its line and imports nothing', async () => {
      const before = await records(IMPORTS);
      const bad = [
        'startedAt,endedAt,outcome,title,topics,reason',
        '2025-10-08 05:30:00,2025-10-08 05:31:00,aired,Tin hợp lệ,kinh-te-so,',
        '2025-10-08 06:00:00,2025-10-08 05:59:00,aired,Kết thúc trước khi bắt đầu,kinh-te-so,',
        '"Ngày 32/10",2025-10-08 07:00:00,aired,Sai ngày,kinh-te-so,',
        '2025-10-08 08:00:00,2025-10-08 08:01:00,phát rồi,Sai kết quả,kinh-te-so,',
        // A cell across two lines: a reason may hold several (a title is one line).
        '2025-10-08 09:00:00,2025-10-08 09:01:00,aired,Chủ đề lạ,chu-de-la,"Nhiều dòng',
        'trong một ô"',
        '2025-10-08 10:00:00,2025-10-08 10:01:00,aired',
        '2025-10-01 05:31:00,2025-10-01 05:32:00,aired,Chồng lên dòng đã nhập,kinh-te-so,',
        '2025-10-08 05:30:30,2025-10-08 05:32:00,aired,Chồng lên dòng 2,kinh-te-so,',
      ].join('\n');
      const response = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .send(bad)
        .expect(422);
      expect(response.body).toMatchObject({ code: 'PLAYOUT_IMPORT_INVALID' });
      const errors = (response.body as { errors: { line: number; code: string }[] }).errors;
      // A row the record checks refuse names the rule, as a single post's refusal does.
      expect(response.body.errors[0]).toEqual({
        line: 3,
        code: 'PLAYOUT_RECORD_INVALID',
        message: 'endedAt is before startedAt',
        rule: 'ended-before-started',
      });
      // So does any other refusal: the values it names, as a single post's problem has them.
      expect(errors.filter((error) => error.line >= 6)).toEqual([
        {
          line: 6,
          code: 'TOPIC_UNKNOWN',
          message: 'Unknown topic: chu-de-la',
          topics: ['chu-de-la'],
        },
        expect.objectContaining({ line: 8, code: 'CSV_CELLS' }),
        {
          line: 9,
          code: 'PLAYOUT_OVERLAP',
          message: expect.stringMatching(/^The record overlaps record 1 /) as string,
          overlapsSeq: 1,
          overlapsStartedAt: '2025-09-30T22:30:00.000Z',
          overlapsEndedAt: '2025-09-30T22:35:00.000Z',
          overlapsTitle: 'Bản tin sáng: Chuyển đổi số, người dân hưởng lợi',
        },
        {
          line: 10,
          code: 'PLAYOUT_OVERLAP',
          message:
            'The record overlaps line 2 (2025-10-07T22:30:00.000Z – 2025-10-07T22:31:00.000Z)',
          overlapsSeq: null,
          overlapsStartedAt: '2025-10-07T22:30:00.000Z',
          overlapsEndedAt: '2025-10-07T22:31:00.000Z',
          overlapsTitle: 'Tin hợp lệ',
          overlapsRow: { line: 2 },
        },
      ]);
      expect(errors.map((error) => [error.line, error.code])).toEqual([
        [3, 'PLAYOUT_RECORD_INVALID'],
        [4, 'VALIDATION_FAILED'],
        [5, 'VALIDATION_FAILED'],
        [6, 'TOPIC_UNKNOWN'],
        [8, 'CSV_CELLS'],
        [9, 'PLAYOUT_OVERLAP'],
        [10, 'PLAYOUT_OVERLAP'],
      ]);
      expect(await records(IMPORTS)).toEqual(before);

      const header = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .send('batDau,ketThuc\n1,2')
        .expect(422);
      expect(header.body).toMatchObject({ errors: [{ line: 1, code: 'CSV_HEADER' }] });
      const latin1 = Buffer.from(
        'startedAt,outcome,title\n2025-10-08 05:30:00,missed,Bản tin',
        'latin1',
      );
      const notUtf8 = await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'text/csv')
        .send(latin1)
        .expect(422);
      expect(notUtf8.body).toMatchObject({ errors: [{ code: 'CSV_ENCODING' }] });
      await app
        .http()
        .post(csvUrl)
        .set(bearer(admin))
        .set('Content-Type', 'application/xml')
        .send('<log/>')
        .expect(415);
      await app
        .http()
        .post(csvUrl)
        .set(bearer(monitor))
        .set('Content-Type', 'text/csv')
        .send(bad)
        .expect(403);
      expect(await records(IMPORTS)).toEqual(before);
    });

    it('takes a JSON batch in one transaction, all or nothing', async () => {
      const before = await records(IMPORTS);
      const batch = Array.from({ length: 300 }, (_, index) => {
        const start = Date.parse('2025-10-10T00:00:00Z') + index * 60000;
        return {
          outcome: 'aired',
          title: `Bản tin tự động ${index + 1}`,
          topics: ['kinh-te-so'],
          startedAt: new Date(start).toISOString(),
          endedAt: new Date(start + 45000).toISOString(),
        };
      });
      const url = `/api/v1/communes/${IMPORTS}/playout-log/batch`;
      const broken = [
        ...batch,
        {
          ...batch[10],
          startedAt: new Date(Date.parse(batch[10].startedAt) + 10000).toISOString(),
        },
        batch[20],
      ];
      const refused = await app
        .http()
        .post(url)
        .set(bearer(admin))
        .send({ records: broken })
        .expect(422);
      expect(refused.body).toMatchObject({
        errors: [
          {
            index: 300,
            code: 'PLAYOUT_OVERLAP',
            overlapsSeq: null,
            overlapsTitle: 'Bản tin tự động 11',
            overlapsRow: { index: 10 },
          },
          {
            index: 301,
            code: 'PLAYOUT_RECORD_INVALID',
            message: 'Repeats records[20]',
            rule: 'repeats-row',
            repeats: { index: 20 },
          },
        ],
      });
      expect(await records(IMPORTS)).toEqual(before);

      const created = await app
        .http()
        .post(url)
        .set(bearer(admin))
        .set('Idempotency-Key', 'lo-300')
        .send({ records: batch })
        .expect(201);
      expect(created.body).toMatchObject({ imported: 300, duplicates: 0 });
      const replay = await app
        .http()
        .post(url)
        .set(bearer(admin))
        .set('Idempotency-Key', 'lo-300')
        .send({ records: batch })
        .expect(201);
      expect(replay.body).toMatchObject({ replayed: true, imported: 300 });
      expect(await verify(IMPORTS)).toEqual({ ok: true, count: before.length + 300 });
      await app.http().post(url).set(bearer(admin)).send({ records: [] }).expect(400);
    });

    it('answers only the counts to a client that prefers the minimal return (RFC 7240)', async () => {
      const before = await records(IMPORTS);
      const batch = Array.from({ length: 20 }, (_, index) => {
        const start = Date.parse('2025-10-11T01:00:00Z') + index * 60000;
        return {
          outcome: 'aired',
          title: `Bản tin chính quyền số ${index + 1}`,
          topics: ['chinh-quyen-so'],
          startedAt: new Date(start).toISOString(),
          endedAt: new Date(start + 40000).toISOString(),
        };
      });
      const url = `/api/v1/communes/${IMPORTS}/playout-log/batch`;
      const minimal = await app
        .http()
        .post(url)
        .set(bearer(admin))
        .set('Idempotency-Key', 'lo-minimal')
        .set('Prefer', 'respond-async, return=minimal')
        .send({ records: batch })
        .expect(201);
      expect(minimal.body).toEqual({
        id: expect.any(String),
        imported: 20,
        duplicates: 0,
        replayed: false,
      });
      expect(minimal.headers['preference-applied']).toBe('return=minimal');
      expect(minimal.headers.vary).toMatch(/\bPrefer\b/);
      const written = (await records(IMPORTS)).slice(before.length);
      expect(written.map((record) => record.title)).toEqual(batch.map((record) => record.title));
      expect(await verify(IMPORTS)).toEqual({ ok: true, count: before.length + 20 });

      // The same request again, without the preference: the first result, with its records.
      const replay = await app
        .http()
        .post(url)
        .set(bearer(admin))
        .set('Idempotency-Key', 'lo-minimal')
        .send({ records: batch })
        .expect(201);
      expect(replay.headers['preference-applied']).toBeUndefined();
      expect(replay.body).toMatchObject({ id: minimal.body.id, replayed: true, imported: 20 });
      expect(replay.body.records).toEqual(written);

      // A CSV import honours it too; another value of `return` is the full answer.
      const csv = [
        'startedAt,endedAt,outcome,title,topics',
        '2025-10-11T10:00:00+07:00,2025-10-11T10:01:00+07:00,aired,Bản tin kinh tế số,kinh-te-so',
      ].join('\n');
      const imported = await app
        .http()
        .post(`/api/v1/communes/${IMPORTS}/playout-log/import`)
        .set(bearer(admin))
        .set('Prefer', 'return=minimal')
        .set('Content-Type', 'text/csv')
        .send(csv)
        .expect(201);
      expect(imported.body).toEqual({
        id: expect.any(String),
        imported: 1,
        duplicates: 0,
        replayed: false,
      });
      expect(imported.headers['preference-applied']).toBe('return=minimal');
      const full = await app
        .http()
        .post(url)
        .set(bearer(admin))
        .set('Prefer', 'return=representation')
        .send({ records: batch.slice(1) })
        .expect(201);
      expect(full.headers['preference-applied']).toBeUndefined();
      expect(full.body).toMatchObject({ imported: 0, duplicates: 19, records: [] });
    });

    it('writes the largest batch in several statements, each record with its topic rows', async () => {
      const before = await records(IMPORTS);
      // 625 records a day from 08:00, 20 s every 30 s: ~208 min a day, within the broadcast
      // policy's default 240 min and outside its quiet hours, over 8 days.
      const first = Date.parse('2025-10-12T08:00:00+07:00');
      const startOf = (index: number) =>
        first + Math.floor(index / 625) * 86_400_000 + (index % 625) * 30000;
      const batch = Array.from({ length: MAX_BATCH_RECORDS }, (_, index) => ({
        outcome: index % 50 === 7 ? 'failed' : 'aired',
        title: `Bản tin số ${index + 1}`,
        topics: index % 3 === 0 ? ['xa-hoi-so', 'kinh-te-so'] : ['chinh-quyen-so'],
        startedAt: new Date(startOf(index)).toISOString(),
        endedAt: new Date(startOf(index) + 20000).toISOString(),
        ...(index % 50 === 7 ? { playedMs: 0, reason: 'Lỗi thiết bị' } : {}),
      }));
      const created = await app
        .http()
        .post(`/api/v1/communes/${IMPORTS}/playout-log/batch`)
        .set(bearer(admin))
        .send({ records: batch })
        .expect(201);
      const served = created.body as { imported: number; records: RecordJson[] };
      expect(served.imported).toBe(MAX_BATCH_RECORDS);
      const all = await records(IMPORTS);
      expect(all.slice(before.length)).toEqual(served.records);
      expect(served.records.map((record) => record.seq)).toEqual(
        batch.map((_, index) => before.length + index + 1),
      );
      expect(served.records[3].topics).toEqual(['kinh-te-so', 'xa-hoi-so']);
      expect(recomputeChain(all)).toEqual({ ok: true });
      expect(await verify(IMPORTS)).toEqual({ ok: true, count: before.length + batch.length });
      // The check reads the chain a page at a time: a change far past its first page is named.
      const changed = before.length + batch.length - 2;
      const dataSource = app.app.get(DataSource);
      const shift = (ms: number) =>
        dataSource.query(
          `UPDATE playout_record SET played_ms = played_ms + ${ms} WHERE commune_code = '${IMPORTS}' AND seq = ${changed}`,
        );
      await shift(1);
      expect(await verify(IMPORTS)).toEqual({ ok: false, brokenAtSeq: changed });
      await shift(-1);
      expect(await verify(IMPORTS)).toEqual({ ok: true, count: before.length + batch.length });

      const topicRows: { record_id: string; topic_code: string }[] = await app.app
        .get(DataSource)
        .query(
          `SELECT t.record_id, t.topic_code FROM playout_record_topic t
           JOIN playout_record r ON r.id = t.record_id
           WHERE r.commune_code = '${IMPORTS}' AND r.started_at >= '2025-10-12'`,
        );
      const expected = served.records.flatMap((record) =>
        record.topics.map((topic) => `${record.id} ${topic}`),
      );
      expect(topicRows.map((row) => `${row.record_id} ${row.topic_code}`).sort()).toEqual(
        expected.sort(),
      );
    });
  });
});
