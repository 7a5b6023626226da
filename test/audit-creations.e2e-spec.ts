import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../src/common/manual-clock';
import { registerDevice } from './support/fleet-device';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
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

interface AuditJson {
  action: string;
  actorId: string | null;
  actorUsername: string | null;
  targetType: string | null;
  targetId: string | null;
  communeCode: string | null;
  provinceCode: string | null;
  detail: Record<string, unknown> | null;
}

jest.setTimeout(120_000);

/**
 * Every creation an operator, an approver, a monitor or an admin makes is in the audit trail, with
 * its actor, written in the creation's transaction: a refused creation leaves no audit row.
 */
describe('audit trail: creations (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let admin: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');
  const prefix = 'audit-';
  const operatorName = `${prefix}van-hanh-hac-thanh`;
  const monitorName = `${prefix}giam-sat-thanh-hoa`;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api' }, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    who = await createActors(app, admin, prefix);
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  const post = (path: string, token: string, body: object) =>
    app.http().post(`/api/v1${path}`).set(bearer(token)).send(body);
  const events = async (action: string): Promise<AuditJson[]> =>
    (
      await app
        .http()
        .get(`/api/v1/audit?action=${action}&limit=500`)
        .set(bearer(admin))
        .expect(200)
    ).body as AuditJson[];
  const eventOf = async (action: string, targetId: string): Promise<AuditJson> => {
    const found = (await events(action)).filter((event) => event.targetId === targetId);
    expect(found).toHaveLength(1);
    return found[0];
  };
  /** The refusal's status, and no new event of `action`. */
  const refusedWithoutTrace = async (
    action: string,
    refuse: () => Promise<{ status: number }>,
    status: number,
  ): Promise<void> => {
    const before = (await events(action)).length;
    expect((await refuse()).status).toBe(status);
    expect(await events(action)).toHaveLength(before);
  };

  it('audits a new window with its creator; a refused one leaves nothing', async () => {
    const id = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    expect(await eventOf('window.created', id)).toMatchObject({
      actorUsername: operatorName,
      targetType: 'window',
      communeCode: HAC_THANH,
      detail: { window: { id, name: 'Sáng', startTime: '05:30', durationMinutes: 30 } },
    });
    await refusedWithoutTrace(
      'window.created',
      () =>
        post(`/communes/${HAC_THANH}/windows`, who.operator, {
          name: 'Sáng sớm',
          daysOfWeek: [1],
          startTime: '05:00',
          durationMinutes: 31,
        }),
      409,
    );
  });

  it('audits a new bulletin, a commune one and a library one; a refused one leaves nothing', async () => {
    const audioId = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 20000,
    });
    const created = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
      title: 'Nộp hồ sơ trực tuyến',
      topics: ['chinh-quyen-so'],
      audioId,
    }).expect(201);
    const id = (created.body as { id: string }).id;
    expect(await eventOf('bulletin.created', id)).toMatchObject({
      actorUsername: operatorName,
      targetType: 'bulletin',
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      detail: { title: 'Nộp hồ sơ trực tuyến', topics: ['chinh-quyen-so'], audioId },
    });

    const libraryAudio = await seedReadyAudio(app, {
      ownerCode: THANH_HOA,
      communeCode: null,
      provinceCode: THANH_HOA,
      durationMs: 20000,
    });
    const library = await post(`/provinces/${THANH_HOA}/bulletins`, who.monitor, {
      title: 'Bản tin thư viện tỉnh',
      topics: ['kinh-te-so'],
      audioId: libraryAudio,
    }).expect(201);
    expect(await eventOf('bulletin.created', (library.body as { id: string }).id)).toMatchObject({
      actorUsername: monitorName,
      communeCode: null,
      provinceCode: THANH_HOA,
    });

    await refusedWithoutTrace(
      'bulletin.created',
      () =>
        post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
          title: 'Chủ đề không có',
          topics: ['khong-co-chu-de'],
          audioId,
        }),
      422,
    );
  });

  it('audits an item added by hand and a relay; a refused one leaves nothing', async () => {
    const bulletinId = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Kỹ năng số cho người cao tuổi',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
    const item = await post(`/communes/${HAC_THANH}/schedule`, who.approver, {
      bulletinId,
      startsAt: '2025-10-06T05:31:00+07:00',
    }).expect(201);
    const itemId = (item.body as { id: string }).id;
    expect(await eventOf('schedule.added', itemId)).toMatchObject({
      actorUsername: `${prefix}lanh-dao-hac-thanh`,
      targetType: 'schedule_item',
      communeCode: HAC_THANH,
      detail: { bulletinId, sourceId: null },
    });

    const source = await post(`/provinces/${THANH_HOA}/sources`, who.monitor, {
      name: 'VOV1',
      urls: ['http://203.0.113.10:8000/vov1.mp3'],
    }).expect(201);
    const sourceId = (source.body as { id: string }).id;
    expect(await eventOf('source.created', sourceId)).toMatchObject({
      actorUsername: monitorName,
      provinceCode: THANH_HOA,
    });
    const relay = await post(`/communes/${HAC_THANH}/schedule`, who.operator, {
      sourceId,
      startsAt: '2025-10-06T05:40:00+07:00',
      durationSeconds: 600,
      topics: ['kinh-te-so'],
    }).expect(201);
    expect(await eventOf('schedule.added', (relay.body as { id: string }).id)).toMatchObject({
      actorUsername: operatorName,
      detail: { bulletinId: null, sourceId },
    });

    // Outside every window: refused, and nothing of it is kept.
    await refusedWithoutTrace(
      'schedule.added',
      () =>
        post(`/communes/${HAC_THANH}/schedule`, who.operator, {
          bulletinId,
          startsAt: '2025-10-06T09:00:00+07:00',
        }),
      409,
    );
  });

  it('audits an uploaded recording; a refused upload leaves nothing', async () => {
    const wav = join(storage.dir, 'loi-noi.wav');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-y',
      wav,
    ]);
    const uploaded = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio`)
      .set(bearer(who.operator))
      .attach('file', wav)
      .expect(202);
    expect(await eventOf('audio.created', (uploaded.body as { id: string }).id)).toMatchObject({
      actorUsername: operatorName,
      targetType: 'audio',
      communeCode: HAC_THANH,
      detail: { source: 'upload', originalName: 'loi-noi.wav' },
    });
    const text = join(storage.dir, 'khong-phai-am-thanh.wav');
    writeFileSync(text, 'Đây không phải tệp âm thanh\n'.repeat(100));
    await refusedWithoutTrace(
      'audio.created',
      () =>
        app
          .http()
          .post(`/api/v1/communes/${HAC_THANH}/audio`)
          .set(bearer(who.operator))
          .attach('file', text),
      415,
    );
  });

  it('keeps auditing what was already audited: campaigns, topics, devices, users, API keys', async () => {
    const campaign = {
      code: 'th-audit-2025',
      name: 'Tuyên truyền chuyển đổi số tháng 10',
      startsOn: '2025-10-01',
      endsOn: '2025-10-31',
      rules: [{ topic: 'chinh-quyen-so', minSecondsPerWeek: 600 }],
    };
    await post('/campaigns', who.monitor, campaign).expect(201);
    expect(await eventOf('campaign.created', campaign.code)).toMatchObject({
      actorUsername: monitorName,
      provinceCode: THANH_HOA,
    });
    await refusedWithoutTrace(
      'campaign.created',
      () => post('/campaigns', who.monitor, campaign),
      409,
    );

    const topic = { code: 'an-ninh-mang', name: 'An ninh mạng' };
    await post('/topics', admin, topic).expect(201);
    expect(await eventOf('topic.created', topic.code)).toMatchObject({ actorUsername: 'admin' });
    await refusedWithoutTrace('topic.created', () => post('/topics', admin, topic), 409);

    const device = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa chợ', ['thon-1']);
    expect(await eventOf('device.created', device.id)).toMatchObject({
      actorUsername: operatorName,
      communeCode: HAC_THANH,
    });

    const user = { username: `${prefix}van-hanh-2`, password: 'Matkhau-123456', role: 'operator' };
    const made = await post('/users', admin, { ...user, communeCode: HAC_THANH }).expect(201);
    expect(await eventOf('user.created', (made.body as { id: string }).id)).toMatchObject({
      actorUsername: 'admin',
    });
    await refusedWithoutTrace(
      'user.created',
      () => post('/users', admin, { ...user, communeCode: HAC_THANH }),
      409,
    );

    const key = await post('/admin/api-keys', admin, {
      provinceCode: THANH_HOA,
      name: 'Hệ thống thông tin nguồn',
    }).expect(201);
    expect(
      (await events('auth.api-key.created')).filter(
        (event) => event.targetId === (key.body as { id: string }).id,
      ),
    ).toHaveLength(1);
  });
});
