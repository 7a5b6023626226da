import { ManualClock } from '../src/common/manual-clock';
import { seedAudio, seedReadyAudio } from './support/audio-fixtures';
import {
  Actors,
  createActors,
  createApproved,
  createDraft,
  createWindow,
  HAC_THANH,
  HAM_RONG,
  THANH_HOA,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

interface BulletinBody {
  id: string;
  status: string;
  topics: string[];
  library: boolean;
  approvedBy: string | null;
  approvedAt: string | null;
  returnedToDraft?: boolean;
  cancelledItems?: { id: string; communeCode: string; startsAt: string }[];
}

// Real ffmpeg, databases and many requests per test: more than Jest's default 5 s.
jest.setTimeout(60000);

describe('bulletins (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const post = (path: string, token: string, body: object = {}) =>
    app.http().post(`/api/v1${path}`).set(bearer(token)).send(body);

  it('creates a draft bulletin with its topics and the audio length', async () => {
    const audioId = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 42000,
    });
    const response = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
      title: 'Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia',
      topics: ['chinh-quyen-so', 'mo-hinh-2-cap'],
      audioId,
      body: 'Bà con có thể nộp hồ sơ tại nhà, không phải đến Trung tâm phục vụ hành chính công.',
    }).expect(201);
    expect(response.body).toMatchObject({
      id: expect.any(String),
      status: 'draft',
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      library: false,
      topics: ['chinh-quyen-so', 'mo-hinh-2-cap'],
      audioId,
      audioStatus: 'ready',
      durationMs: 42000,
      priority: 'normal',
      approvedBy: null,
    });
    expect(response.body.createdAt).toMatch(/^2025-10-05T08:00:00\.000\+07:00$/);
    const fetched = await app
      .http()
      .get(`/api/v1/bulletins/${response.body.id}`)
      .set(bearer(who.monitor))
      .expect(200);
    expect(fetched.body).toMatchObject({ id: response.body.id, status: 'draft' });
  });

  it('refuses unknown topics, foreign audio and malformed input', async () => {
    const own = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 30000,
    });
    const foreign = await seedReadyAudio(app, {
      ownerCode: HAM_RONG,
      communeCode: HAM_RONG,
      provinceCode: THANH_HOA,
      durationMs: 30000,
    });
    const unknownTopic = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
      title: 'Tin bài',
      topics: ['kinh-te-so', 'chu-de-khong-co'],
      audioId: own,
    }).expect(422);
    expect(unknownTopic.body).toMatchObject({ code: 'TOPIC_UNKNOWN', topics: ['chu-de-khong-co'] });
    const foreignAudio = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
      title: 'Tin bài',
      topics: ['kinh-te-so'],
      audioId: foreign,
    }).expect(422);
    expect(foreignAudio.body).toMatchObject({ code: 'AUDIO_NOT_AVAILABLE', audioId: foreign });
    for (const body of [
      { title: '', topics: ['kinh-te-so'], audioId: own },
      { title: 'x', topics: [], audioId: own },
      { title: 'x', topics: ['kinh-te-so'], audioId: 'not-a-uuid' },
      { title: 'x', topics: ['kinh-te-so'], audioId: own, priority: 'khan' },
      { title: 'x', topics: ['kinh-te-so', 'kinh-te-so'], audioId: own },
      { title: 'x', topics: ['kinh-te-so'], audioId: own, status: 'approved' },
    ]) {
      const response = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    await post(`/communes/${HAC_THANH}/bulletins`, who.monitor, {
      title: 'x',
      topics: ['kinh-te-so'],
      audioId: own,
    }).expect(403);
    const list = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/bulletins`)
      .set(bearer(who.operator))
      .expect(200);
    expect((list.body as BulletinBody[]).every((b) => b.topics.length > 0)).toBe(true);
  });

  it("lets only the commune's approver (or an admin) approve, and records it", async () => {
    const { id } = await createDraft(app, who.operator, HAC_THANH, {
      title: 'Thanh toán không dùng tiền mặt tại chợ phường',
      topics: ['kinh-te-so'],
      durationMs: 35000,
    });
    const byOperator = await post(`/bulletins/${id}/approve`, who.operator).expect(403);
    expect(byOperator.body).toMatchObject({ code: 'FORBIDDEN' });
    await post(`/bulletins/${id}/approve`, who.otherApprover).expect(403);
    await post(`/bulletins/${id}/approve`, who.monitor).expect(403);
    clock.advance(60000);
    const approved = await post(`/bulletins/${id}/approve`, who.approver).expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      approvedBy: expect.any(String),
      approvedAt: '2025-10-05T08:01:00.000+07:00',
    });
    // Approving again changes nothing.
    const again = await post(`/bulletins/${id}/approve`, who.admin).expect(200);
    expect(again.body.approvedAt).toBe('2025-10-05T08:01:00.000+07:00');
    const audit = await app
      .http()
      .get('/api/v1/audit?action=bulletin.approved')
      .set(bearer(who.admin))
      .expect(200);
    expect(audit.body).toContainEqual(
      expect.objectContaining({
        action: 'bulletin.approved',
        targetId: id,
        actorUsername: 'lanh-dao-hac-thanh',
        communeCode: HAC_THANH,
      }),
    );
  });

  it('refuses to approve a bulletin whose audio is not ready', async () => {
    const audioId = await seedAudio(
      app,
      { ownerCode: HAC_THANH, communeCode: HAC_THANH, provinceCode: THANH_HOA, durationMs: 1 },
      'processing',
    );
    const created = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
      title: 'Tin đang xử lý âm thanh',
      topics: ['xa-hoi-so'],
      audioId,
    }).expect(201);
    const refused = await post(`/bulletins/${created.body.id}/approve`, who.approver).expect(422);
    expect(refused.body).toMatchObject({ code: 'AUDIO_NOT_READY', audioStatus: 'processing' });
  });

  it('publishes province library bulletins that every commune of the province may use', async () => {
    const audioId = await seedReadyAudio(app, {
      ownerCode: THANH_HOA,
      communeCode: null,
      provinceCode: THANH_HOA,
      durationMs: 50000,
    });
    const bulletin = {
      title: 'Thanh Hóa hưởng ứng Ngày Chuyển đổi số quốc gia 10/10',
      topics: ['ngay-cds-quoc-gia', 'chinh-quyen-so'],
      audioId,
    };
    await post(`/provinces/${THANH_HOA}/bulletins`, who.operator, bulletin).expect(403);
    const otherMonitor = await createUserAndLogin(app, who.admin, {
      username: 'giam-sat-ha-noi',
      role: 'monitor',
      provinceCode: '01',
    });
    await post(`/provinces/${THANH_HOA}/bulletins`, otherMonitor, bulletin).expect(403);
    const created = await post(`/provinces/${THANH_HOA}/bulletins`, who.monitor, bulletin).expect(
      201,
    );
    expect(created.body).toMatchObject({
      status: 'draft',
      library: true,
      communeCode: null,
      provinceCode: THANH_HOA,
    });
    const id = created.body.id as string;
    // A commune's own audio cannot go into the library.
    const communeAudio = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 20000,
    });
    await post(`/provinces/${THANH_HOA}/bulletins`, who.monitor, {
      ...bulletin,
      audioId: communeAudio,
    }).expect(422);

    await post(`/bulletins/${id}/approve`, who.approver).expect(403);
    await post(`/bulletins/${id}/approve`, who.monitor).expect(200);

    const library = await app
      .http()
      .get(`/api/v1/provinces/${THANH_HOA}/bulletins`)
      .set(bearer(who.monitor))
      .expect(200);
    expect((library.body as BulletinBody[]).map((b) => b.id)).toEqual([id]);
    for (const [commune, token] of [
      [HAC_THANH, who.operator],
      [HAM_RONG, who.otherOperator],
    ]) {
      const withLibrary = await app
        .http()
        .get(`/api/v1/communes/${commune}/bulletins?includeLibrary=true&status=approved`)
        .set(bearer(token))
        .expect(200);
      expect((withLibrary.body as BulletinBody[]).map((b) => b.id)).toContain(id);
      const ownOnly = await app
        .http()
        .get(`/api/v1/communes/${commune}/bulletins`)
        .set(bearer(token))
        .expect(200);
      expect((ownOnly.body as BulletinBody[]).map((b) => b.id)).not.toContain(id);
    }
    await app.http().get(`/api/v1/bulletins/${id}`).set(bearer(who.otherOperator)).expect(200);
    await app.http().get(`/api/v1/bulletins/${id}`).set(bearer(otherMonitor)).expect(403);
    // Operators edit their commune's bulletins, not the library.
    await app
      .http()
      .patch(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .send({ title: 'Sửa' })
      .expect(403);
  });

  it('sends an approved bulletin back to draft when its topics or audio change, taking its future items off the log', async () => {
    const id = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Sàn thương mại điện tử cho nông sản địa phương',
      topics: ['kinh-te-so'],
      durationMs: 40000,
    });
    const item = await post(`/communes/${HAC_THANH}/schedule`, who.operator, {
      bulletinId: id,
      startsAt: '2025-10-07T05:30:00+07:00',
    }).expect(201);

    const retitled = await app
      .http()
      .patch(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .send({ title: 'Đưa nông sản Hạc Thành lên sàn thương mại điện tử', body: null })
      .expect(200);
    expect(retitled.body).toMatchObject({
      status: 'approved',
      returnedToDraft: false,
      cancelledItems: [],
    });

    const retagged = await app
      .http()
      .patch(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .send({ topics: ['kinh-te-so', 'xa-hoi-so'] })
      .expect(200);
    expect(retagged.body).toMatchObject({
      status: 'draft',
      approvedBy: null,
      approvedAt: null,
      topics: ['kinh-te-so', 'xa-hoi-so'],
      returnedToDraft: true,
      cancelledItems: [
        { id: item.body.id, communeCode: HAC_THANH, startsAt: '2025-10-07T05:30:00.000+07:00' },
      ],
    });
    const listed = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule?from=2025-10-07&to=2025-10-07`)
      .set(bearer(who.operator))
      .expect(200);
    expect(listed.body).toContainEqual(
      expect.objectContaining({ id: item.body.id, status: 'cancelled' }),
    );

    // A new audio does the same after a new approval.
    await post(`/bulletins/${id}/approve`, who.approver).expect(200);
    await post(`/communes/${HAC_THANH}/schedule`, who.operator, {
      bulletinId: id,
      startsAt: '2025-10-08T05:30:00+07:00',
    }).expect(201);
    const newAudio = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 41000,
    });
    const reaudio = await app
      .http()
      .patch(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .send({ audioId: newAudio })
      .expect(200);
    expect(reaudio.body).toMatchObject({
      status: 'draft',
      durationMs: 41000,
      returnedToDraft: true,
    });
    expect(reaudio.body.cancelledItems).toHaveLength(1);
    const audit = await app
      .http()
      .get('/api/v1/audit?action=bulletin.unapproved')
      .set(bearer(who.admin))
      .expect(200);
    expect(audit.body).toHaveLength(2);
  });

  it('archives a bulletin (its future items come off the log) and deletes only unscheduled ones', async () => {
    const id = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Tổ công nghệ số cộng đồng đến từng thôn',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
    const item = await post(`/communes/${HAC_THANH}/schedule`, who.operator, {
      bulletinId: id,
      startsAt: '2025-10-09T05:40:00+07:00',
    }).expect(201);
    const inUse = await app
      .http()
      .delete(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .expect(409);
    expect(inUse.body).toMatchObject({ code: 'BULLETIN_IN_USE' });

    // The rehearsal names the items it would cancel and writes nothing.
    const rehearsal = await post(`/bulletins/${id}/archive?dryRun=true`, who.operator).expect(200);
    expect(rehearsal.body).toMatchObject({
      status: 'archived',
      dryRun: true,
      cancelledItems: [expect.objectContaining({ id: item.body.id })],
    });
    const untouched = await app
      .http()
      .get(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(untouched.body).toMatchObject({ status: 'approved' });
    const stillPlanned = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule/items/${item.body.id}`)
      .set(bearer(who.operator))
      .expect(200);
    expect(stillPlanned.body).toMatchObject({ status: 'planned', cancelReason: null });

    const archived = await post(`/bulletins/${id}/archive`, who.operator).expect(200);
    expect(archived.body).toMatchObject({
      dryRun: false,
      status: 'archived',
      cancelledItems: [expect.objectContaining({ id: item.body.id })],
    });
    await app
      .http()
      .patch(`/api/v1/bulletins/${id}`)
      .set(bearer(who.operator))
      .send({ title: 'x' })
      .expect(409);
    await post(`/bulletins/${id}/approve`, who.approver).expect(409);
    const refused = await post(`/communes/${HAC_THANH}/schedule`, who.operator, {
      bulletinId: id,
      startsAt: '2025-10-10T05:40:00+07:00',
    }).expect(422);
    expect(refused.body).toMatchObject({ code: 'BULLETIN_NOT_APPROVED' });

    const { id: draft } = await createDraft(app, who.operator, HAC_THANH, {
      title: 'Bản nháp bỏ đi',
      topics: ['hoc-tap-so'],
      durationMs: 20000,
    });
    await app
      .http()
      .delete(`/api/v1/bulletins/${draft}`)
      .set(bearer(who.otherOperator))
      .expect(403);
    await app.http().delete(`/api/v1/bulletins/${draft}`).set(bearer(who.operator)).expect(204);
    await app.http().get(`/api/v1/bulletins/${draft}`).set(bearer(who.operator)).expect(404);
    const audit = await app
      .http()
      .get('/api/v1/audit?action=bulletin.deleted')
      .set(bearer(who.admin))
      .expect(200);
    expect(audit.body).toContainEqual(expect.objectContaining({ targetId: draft }));
  });
});
