import { ManualClock } from '../src/common/manual-clock';
import { Manifest, manifestPath, parseManifest } from '../src/fleet/protocol';
import { enrolNewDevice } from './support/fleet-device';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
  HAM_RONG,
  THANH_HOA,
} from './support/schedule-fixtures';
import { seedReadyAudio } from './support/audio-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

interface SourceBody {
  id: string;
  provinceCode: string;
  name: string;
  urls: string[];
  fallbackBulletinId: string | null;
}

interface ItemBody {
  id: string;
  bulletinId: string | null;
  sourceId: string | null;
  title: string;
  topics: string[];
  startsAt: string;
  endsAt: string;
  durationMs: number;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;
/** TEST-NET-3: a public address (not internal), never fetched by these tests. */
const VOV1 = 'http://203.0.113.10:8000/vov1.mp3';
const VOV1_BACKUP = 'https://203.0.113.11/vov1/playlist.m3u8';

jest.setTimeout(60000);

/** Stream sources of a province and relays on a commune's program log, through HTTP. */
describe('relay sources and relay items (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let source: SourceBody;
  let libraryBulletin: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');
  const sources = `/api/v1/provinces/${THANH_HOA}/sources`;
  const schedule = `/api/v1/communes/${HAC_THANH}/schedule`;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password), 'relay-');
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    const audioId = await seedReadyAudio(app, {
      ownerCode: THANH_HOA,
      communeCode: null,
      provinceCode: THANH_HOA,
      durationMs: 20000,
    });
    const created = await app
      .http()
      .post(`/api/v1/provinces/${THANH_HOA}/bulletins`)
      .set(bearer(who.monitor))
      .send({ title: 'Xin lỗi vì gián đoạn tiếp âm', topics: ['xa-hoi-so'], audioId })
      .expect(201);
    libraryBulletin = (created.body as { id: string }).id;
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('lets the province monitor add a source, and refuses what is not a safe stream URL', async () => {
    const response = await app
      .http()
      .post(sources)
      .set(bearer(who.monitor))
      .send({ name: 'VOV1', urls: [VOV1, VOV1_BACKUP] })
      .expect(201);
    source = response.body as SourceBody;
    expect(source).toMatchObject({
      provinceCode: THANH_HOA,
      name: 'VOV1',
      urls: [VOV1, VOV1_BACKUP],
      fallbackBulletinId: null,
    });

    for (const url of [
      'file:///etc/passwd',
      'http://127.0.0.1:8000/a.mp3',
      'http://localhost/a.mp3',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/a',
      'http://10.1.2.3/a',
      'rtmp://203.0.113.10/live',
      'http://user:secret@203.0.113.10/a',
    ]) {
      const refused = await app
        .http()
        .post(sources)
        .set(bearer(who.monitor))
        .send({ name: 'Nội bộ', urls: [url] })
        .expect(422);
      expect(refused.body).toMatchObject({ code: 'SOURCE_URL_REFUSED' });
    }
    const bad = await app
      .http()
      .post(sources)
      .set(bearer(who.monitor))
      .send({ name: 'Trống', urls: [] })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('urls');
    await app
      .http()
      .post(sources)
      .set(bearer(who.monitor))
      .send({ name: 'Lặp', urls: [VOV1, VOV1] })
      .expect(400);
    const listed = await app.http().get(sources).set(bearer(who.admin)).expect(200);
    expect((listed.body as SourceBody[]).map((one) => one.name)).toEqual(['VOV1']);
  });

  it('lets commune users read their province sources, but not change them', async () => {
    const list = await app.http().get(sources).set(bearer(who.operator)).expect(200);
    expect((list.body as SourceBody[]).map((one) => one.id)).toEqual([source.id]);
    await app.http().get(`${sources}/${source.id}`).set(bearer(who.operator)).expect(200);
    await app
      .http()
      .post(sources)
      .set(bearer(who.operator))
      .send({ name: 'VOV2', urls: [VOV1] })
      .expect(403);
    await app
      .http()
      .patch(`${sources}/${source.id}`)
      .set(bearer(who.operator))
      .send({ name: 'X' })
      .expect(403);
    await app.http().delete(`${sources}/${source.id}`).set(bearer(who.operator)).expect(403);
    await app.http().get(`/api/v1/provinces/01/sources`).set(bearer(who.operator)).expect(403);
    await app.http().get(`${sources}/${crypto.randomUUID()}`).set(bearer(who.monitor)).expect(404);
  });

  it('takes a province library bulletin as the fallback, and nothing else', async () => {
    const communeBulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Bản tin riêng của xã',
      topics: ['xa-hoi-so'],
      durationMs: 10000,
    });
    const refused = await app
      .http()
      .patch(`${sources}/${source.id}`)
      .set(bearer(who.monitor))
      .send({ fallbackBulletinId: communeBulletin })
      .expect(404);
    expect(refused.body).toMatchObject({ code: 'BULLETIN_NOT_FOUND' });
    const draft = await app
      .http()
      .patch(`${sources}/${source.id}`)
      .set(bearer(who.monitor))
      .send({ fallbackBulletinId: libraryBulletin })
      .expect(422);
    expect(draft.body).toMatchObject({ code: 'BULLETIN_NOT_APPROVED' });
    await app
      .http()
      .post(`/api/v1/bulletins/${libraryBulletin}/approve`)
      .set(bearer(who.monitor))
      .expect(200);
    const patched = await app
      .http()
      .patch(`${sources}/${source.id}`)
      .set(bearer(who.monitor))
      .send({ fallbackBulletinId: libraryBulletin, name: 'VOV1 – Thời sự' })
      .expect(200);
    expect(patched.body).toMatchObject({
      fallbackBulletinId: libraryBulletin,
      name: 'VOV1 – Thời sự',
    });
    source = patched.body as SourceBody;
  });

  it('puts a relay on the program log under the same window and overlap rules as a bulletin', async () => {
    const relay = await app
      .http()
      .post(schedule)
      .set(bearer(who.operator))
      .send({
        sourceId: source.id,
        startsAt: at('2025-10-06', '05:40:00'),
        durationSeconds: 600,
        topics: ['kinh-te-so'],
      })
      .expect(201);
    expect(relay.body).toMatchObject({
      bulletinId: null,
      sourceId: source.id,
      title: 'Tiếp âm: VOV1 – Thời sự',
      topics: ['kinh-te-so'],
      startsAt: at('2025-10-06', '05:40:00.000'),
      endsAt: at('2025-10-06', '05:50:00.000'),
      durationMs: 600000,
    });

    const outside = await app
      .http()
      .post(schedule)
      .set(bearer(who.operator))
      .send({ sourceId: source.id, startsAt: at('2025-10-06', '05:55:00'), durationSeconds: 600 })
      .expect(409);
    expect(outside.body).toMatchObject({ code: 'SCHEDULE_OUTSIDE_WINDOW' });
    const bulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chính quyền số',
      topics: ['chinh-quyen-so'],
      durationMs: 60000,
    });
    const overlap = await app
      .http()
      .post(schedule)
      .set(bearer(who.operator))
      .send({ bulletinId: bulletin, startsAt: at('2025-10-06', '05:45:00') })
      .expect(409);
    expect(overlap.body).toMatchObject({ code: 'SCHEDULE_OVERLAP' });
    expect(JSON.stringify(overlap.body)).toContain('Tiếp âm: VOV1');
    await app
      .http()
      .post(schedule)
      .set(bearer(who.operator))
      .send({ bulletinId: bulletin, startsAt: at('2025-10-06', '05:31:00') })
      .expect(201);

    for (const [body, status] of [
      [{ sourceId: source.id, startsAt: at('2025-10-06', '05:33:00') }, 400],
      [{ sourceId: source.id, startsAt: at('2025-10-06', '05:33:00'), durationSeconds: 5 }, 400],
      [
        {
          sourceId: source.id,
          bulletinId: bulletin,
          startsAt: at('2025-10-06', '05:33:00'),
          durationSeconds: 60,
        },
        400,
      ],
      [
        { bulletinId: bulletin, startsAt: at('2025-10-06', '05:51:00'), topics: ['kinh-te-so'] },
        400,
      ],
      [
        {
          sourceId: source.id,
          startsAt: at('2025-10-06', '05:51:00'),
          durationSeconds: 60,
          topics: ['khong-co'],
        },
        422,
      ],
      [
        {
          sourceId: crypto.randomUUID(),
          startsAt: at('2025-10-06', '05:51:00'),
          durationSeconds: 60,
        },
        404,
      ],
    ] as const) {
      await app.http().post(schedule).set(bearer(who.operator)).send(body).expect(status);
    }

    const listed = await app
      .http()
      .get(`${schedule}?from=2025-10-06&to=2025-10-06`)
      .set(bearer(who.monitor))
      .expect(200);
    expect((listed.body as ItemBody[]).map((item) => item.title)).toEqual([
      'Chính quyền số',
      'Tiếp âm: VOV1 – Thời sự',
    ]);
  });

  it('puts a relay on the log of a commune whose speaker clusters play it, in their protocol 2 manifest', async () => {
    await createWindow(app, who.otherOperator, HAM_RONG, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    const device = await enrolNewDevice(app, who.otherOperator, HAM_RONG, 'Cụm loa thôn 1', [
      'thon-1',
    ]);
    const created = await app
      .http()
      .post(`/api/v1/communes/${HAM_RONG}/schedule`)
      .set(bearer(who.otherOperator))
      .send({ sourceId: source.id, startsAt: at('2025-10-06', '05:40:00'), durationSeconds: 600 })
      .expect(201);
    const relayId = (created.body as { id: string }).id;
    const manifestOf = async (protocol?: number): Promise<Manifest> => {
      const path = manifestPath(device.deviceId, protocol);
      const response = await app.http().get(path).set(bearer(device.apiToken)).expect(200);
      const parsed = parseManifest(response.body);
      if (!parsed.ok) throw new Error(`invalid manifest: ${parsed.error}`);
      return parsed.value;
    };
    // A protocol 1 box is not sent what it cannot play.
    expect((await manifestOf()).items).toEqual([]);
    const v2 = await manifestOf(2);
    expect(v2.protocol).toBe(2);
    expect(v2.items).toEqual([
      expect.objectContaining({
        scheduleItemId: relayId,
        kind: 'relay',
        durationMs: 600000,
        relay: expect.objectContaining({ sourceName: source.name, urls: source.urls }),
      }),
    ]);
    await app
      .http()
      .post(`/api/v1/communes/${HAM_RONG}/schedule/items/${relayId}/cancel`)
      .set(bearer(who.otherOperator))
      .send({ reason: 'Thử nghiệm' })
      .expect(200);
  });

  it('refuses to delete a source a coming relay uses, until that relay is cancelled', async () => {
    const items = (
      await app
        .http()
        .get(`${schedule}?from=2025-10-06&to=2025-10-06`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as ItemBody[];
    const relay = items.find((item) => item.sourceId === source.id)!;
    const inUse = await app
      .http()
      .delete(`${sources}/${source.id}`)
      .set(bearer(who.monitor))
      .expect(409);
    expect(inUse.body).toMatchObject({ code: 'SOURCE_IN_USE' });
    expect(JSON.stringify(inUse.body)).toContain(relay.id);

    // Meanwhile the relay airs (the operator confirms it): its topic counts like a bulletin's.
    clock.set('2025-10-06T06:00:00+07:00');
    const record = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/playout-log`)
      .set(bearer(who.operator))
      .set('Idempotency-Key', 'tiep-am-1')
      .send({
        scheduleItemId: relay.id,
        outcome: 'aired',
        startedAt: at('2025-10-06', '05:40:00'),
        endedAt: at('2025-10-06', '05:50:00'),
      })
      .expect(201);
    expect(record.body).toMatchObject({
      bulletinId: null,
      title: 'Tiếp âm: VOV1 – Thời sự',
      topics: ['kinh-te-so'],
      playedMs: 600000,
    });
    const compliance = await app
      .http()
      .get(
        `/api/v1/reports/compliance?campaign=cds-2025&province=${THANH_HOA}&from=2025-10-06&to=2025-10-06`,
      )
      .set(bearer(who.monitor))
      .expect(200);
    const rows = (
      compliance.body as {
        rows: { communeCode: string; topic: string; airedSeconds: number; plays: number }[];
      }
    ).rows;
    expect(
      rows.find((row) => row.communeCode === HAC_THANH && row.topic === 'kinh-te-so'),
    ).toMatchObject({
      airedSeconds: 600,
      plays: 1,
    });
    await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/verify`)
      .set(bearer(who.monitor))
      .expect(200, { ok: true, count: 1 });

    // A relay still to come holds the source.
    const later = await app
      .http()
      .post(schedule)
      .set(bearer(who.operator))
      .send({ sourceId: source.id, startsAt: at('2025-10-07', '05:30:00'), durationSeconds: 900 })
      .expect(201);
    await app.http().delete(`${sources}/${source.id}`).set(bearer(who.monitor)).expect(409);
    await app
      .http()
      .post(`${schedule}/items/${(later.body as ItemBody).id}/cancel`)
      .set(bearer(who.operator))
      .send({})
      .expect(200);
    await app.http().delete(`${sources}/${source.id}`).set(bearer(who.monitor)).expect(204);
    await app.http().get(`${sources}/${source.id}`).set(bearer(who.monitor)).expect(404);
    const after = (
      await app
        .http()
        .get(`${schedule}?from=2025-10-06&to=2025-10-06`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as ItemBody[];
    expect(after.find((item) => item.id === relay.id)?.title).toBe('Tiếp âm: nguồn đã xoá');
  });
});
