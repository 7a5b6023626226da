import { ManualClock } from '../src/common/manual-clock';
import { seedAudio, seedReadyAudio } from './support/audio-fixtures';
import {
  Actors,
  createActors,
  createDraft,
  HAC_THANH,
  HAM_RONG,
  THANH_HOA,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(60000);

interface InboxBody {
  count: number;
  items: {
    id: string;
    revision: number;
    title: string;
    topics: string[];
    durationMs: number;
    submittedBy: { username: string } | null;
    sentBack: object | null;
    sendBacks: {
      count: number;
      latest: { at: string; by: { username: string } | null; reason: string | null };
    } | null;
  }[];
}

describe('approvals inbox, bulk review and notices (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const get = (path: string, token: string) => app.http().get(`/api/v1${path}`).set(bearer(token));
  const post = (path: string, token: string, body: object = {}) =>
    app.http().post(`/api/v1${path}`).set(bearer(token)).send(body);
  const draft = (title: string, token = who.operator, commune = HAC_THANH) =>
    createDraft(app, token, commune, { title, topics: ['kinh-te-so'], durationMs: 30000 });

  it('lists what waits for the approver, counts it for the operator, and approves several at once', async () => {
    const a = await draft('Thanh toán không dùng tiền mặt');
    clock.advance(60_000);
    const b = await draft('Nộp hồ sơ trực tuyến');
    clock.advance(60_000);
    const c = await draft('Sàn thương mại điện tử');
    await draft('Bản tin của xã khác', who.otherOperator, HAM_RONG);

    const inbox = (await get('/approvals', who.approver).expect(200)).body as InboxBody;
    expect(inbox.count).toBe(3);
    expect(inbox.items.map((item) => item.id)).toEqual([a.id, b.id, c.id]);
    expect(inbox.items[0]).toMatchObject({
      title: 'Thanh toán không dùng tiền mặt',
      topics: ['kinh-te-so'],
      durationMs: 30000,
      submittedBy: { username: 'van-hanh-hac-thanh' },
    });
    await get('/approvals', who.operator).expect(403);

    const summary = await get(`/communes/${HAC_THANH}/approvals/summary`, who.operator).expect(200);
    expect(summary.body).toMatchObject({
      communeCode: HAC_THANH,
      waiting: 3,
      sentBack: 0,
      approvers: [{ username: 'lanh-dao-hac-thanh' }],
    });
    await get(`/communes/${HAM_RONG}/approvals/summary`, who.operator).expect(403);

    const review = await post('/approvals/review', who.approver, {
      decision: 'approve',
      bulletinIds: [a.id, b.id],
      revisions: { [a.id]: a.revision, [b.id]: b.revision },
    }).expect(200);
    expect(review.body).toMatchObject({ decision: 'approve', changed: 2, alreadyApproved: [] });
    const reviewed = review.body as { bulletins: { status: string }[] };
    expect(reviewed.bulletins.map((bulletin) => bulletin.status)).toEqual(['approved', 'approved']);
    expect((await get('/approvals', who.approver).expect(200)).body.count).toBe(1);

    // Approving again is not an error: it says nothing changed.
    const again = await post('/approvals/review', who.approver, {
      decision: 'approve',
      bulletinIds: [a.id],
      revisions: { [a.id]: a.revision },
    }).expect(200);
    expect(again.body).toMatchObject({ changed: 0, alreadyApproved: [a.id] });

    const notices = await get('/notices', who.operator).expect(200);
    expect(notices.body.unread).toBe(2);
    expect(notices.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'bulletin.approved',
          bulletinId: a.id,
          actorName: 'lanh-dao-hac-thanh',
          read: false,
        }),
        expect.objectContaining({ kind: 'bulletin.approved', bulletinId: b.id }),
      ]),
    );
    expect((await get('/notices', who.approver).expect(200)).body).toEqual({
      unread: 0,
      items: [],
    });
  });

  it('sends back with a reason, tells the operator, and an edit submits the draft again', async () => {
    const d = await draft('Bản tin cần sửa');
    await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
    }).expect(400);
    await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
      reason: '  ',
    }).expect(400);
    clock.advance(60_000);
    const sent = await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
      reason: 'Sửa lại số liệu tỉ lệ hồ sơ trực tuyến',
    }).expect(200);
    expect(sent.body).toMatchObject({ decision: 'send-back', changed: 1 });
    expect(sent.body.bulletins[0]).toMatchObject({
      status: 'draft',
      sentBack: { reason: 'Sửa lại số liệu tỉ lệ hồ sơ trực tuyến' },
    });
    const inbox = (await get('/approvals', who.approver).expect(200)).body as InboxBody;
    expect(inbox.items.map((item) => item.id)).not.toContain(d.id);
    const summary = await get(`/communes/${HAC_THANH}/approvals/summary`, who.operator).expect(200);
    expect(summary.body.sentBack).toBe(1);
    // While it waits for the operator, `sentBack` says it all.
    expect((await get(`/bulletins/${d.id}`, who.operator).expect(200)).body.sendBacks).toBeNull();

    const notices = await get('/notices?unread=true', who.operator).expect(200);
    expect(notices.body.items[0]).toMatchObject({
      kind: 'bulletin.sent-back',
      bulletinId: d.id,
      reason: 'Sửa lại số liệu tỉ lệ hồ sơ trực tuyến',
    });
    const read = await post('/notices/read', who.operator, {
      ids: [notices.body.items[0].id],
    }).expect(200);
    expect(read.body.marked).toBe(1);
    expect(read.body.unread).toBe(notices.body.unread - 1);
    expect((await post('/notices/read', who.operator).expect(200)).body.unread).toBe(0);

    // Sending back twice is refused: it no longer waits.
    const twice = await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
      reason: 'Lần nữa',
    }).expect(409);
    expect(twice.body.code).toBe('REVIEW_REFUSED');

    await app
      .http()
      .patch(`/api/v1/bulletins/${d.id}`)
      .set(bearer(who.operator))
      .send({ title: 'Bản tin đã sửa' })
      .expect(200);
    const back = (await get('/approvals', who.approver).expect(200)).body as InboxBody;
    expect(back.items.map((item) => item.id)).toContain(d.id);
    // The approver sees that it was sent back before, when, by whom and why.
    const resubmitted = back.items.find((item) => item.id === d.id);
    expect(resubmitted?.sentBack).toBeNull();
    expect(resubmitted?.sendBacks).toEqual({
      count: 1,
      latest: {
        at: '2025-10-05T08:03:00.000+07:00',
        by: expect.objectContaining({ username: 'lanh-dao-hac-thanh' }),
        reason: 'Sửa lại số liệu tỉ lệ hồ sơ trực tuyến',
      },
    });
    expect(back.items.filter((item) => item.id !== d.id).map((item) => item.sendBacks)).toEqual(
      back.items.filter((item) => item.id !== d.id).map(() => null),
    );
    // The bulletin's own view says the same, for the approver and the operator alike.
    const one = await get(`/bulletins/${d.id}`, who.operator).expect(200);
    expect(one.body.sendBacks).toEqual(resubmitted?.sendBacks);
    const listed = await get(`/communes/${HAC_THANH}/bulletins?status=draft`, who.approver).expect(
      200,
    );
    const byId = new Map(
      (listed.body as InboxBody['items']).map((item) => [item.id, item.sendBacks]),
    );
    expect(byId.get(d.id)).toEqual(resubmitted?.sendBacks);
    expect([...byId].filter(([, sendBacks]) => sendBacks !== null)).toHaveLength(1);

    // A second send-back: the count grows and the latest is the new one.
    clock.advance(60_000);
    await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
      reason: 'Còn thiếu nguồn số liệu',
    }).expect(200);
    await app
      .http()
      .patch(`/api/v1/bulletins/${d.id}`)
      .set(bearer(who.operator))
      .send({ body: 'Theo số liệu của Sở Khoa học và Công nghệ.' })
      .expect(200);
    const again = (await get('/approvals', who.approver).expect(200)).body as InboxBody;
    expect(again.items.find((item) => item.id === d.id)?.sendBacks).toEqual({
      count: 2,
      latest: expect.objectContaining({
        at: '2025-10-05T08:04:00.000+07:00',
        reason: 'Còn thiếu nguồn số liệu',
      }),
    });
  });

  it('changes nothing when one bulletin of the request cannot be reviewed', async () => {
    const ok = await draft('Sẵn sàng duyệt');
    const processingAudio = await seedAudio(
      app,
      { ownerCode: HAC_THANH, communeCode: HAC_THANH, provinceCode: THANH_HOA, durationMs: 0 },
      'processing',
    );
    const notReady = await post(`/communes/${HAC_THANH}/bulletins`, who.operator, {
      title: 'Âm thanh đang xử lý',
      topics: ['xa-hoi-so'],
      audioId: processingAudio,
    }).expect(201);
    const refused = await post('/approvals/review', who.approver, {
      decision: 'approve',
      bulletinIds: [ok.id, notReady.body.id],
      revisions: { [ok.id]: ok.revision, [notReady.body.id]: 1 },
    }).expect(409);
    expect(refused.body.code).toBe('REVIEW_REFUSED');
    expect(refused.body.problems).toEqual([
      expect.objectContaining({ bulletinId: notReady.body.id, code: 'AUDIO_NOT_READY' }),
    ]);
    const still = await get(`/bulletins/${ok.id}`, who.operator).expect(200);
    expect(still.body.status).toBe('draft');

    // Another commune's bulletin: forbidden, and nothing changes either.
    const foreign = await draft('Của Hàm Rồng', who.otherOperator, HAM_RONG);
    await post('/approvals/review', who.approver, {
      decision: 'approve',
      bulletinIds: [ok.id, foreign.id],
      revisions: { [ok.id]: ok.revision, [foreign.id]: foreign.revision },
    }).expect(403);
    expect((await get(`/bulletins/${ok.id}`, who.operator).expect(200)).body.status).toBe('draft');

    await post('/approvals/review', who.operator, {
      decision: 'approve',
      bulletinIds: [ok.id],
      revisions: { [ok.id]: ok.revision },
    }).expect(403);
    await post('/approvals/review', who.approver, { decision: 'approve', bulletinIds: [] }).expect(
      400,
    );
    await post('/approvals/review', who.approver, {
      decision: 'publish',
      bulletinIds: [ok.id],
    }).expect(400);
  });

  it('refuses to approve what the operator changed after the approver opened it, and writes nothing', async () => {
    // Two people, each logged in as themself: the operator edits while the approver's inbox is open.
    const { approver, operator } = who;
    const heard = await draft('Lịch nộp thuế điện tử');
    const edited = await draft('Hướng dẫn dùng VNeID');
    const opened = (await get('/approvals', approver).expect(200)).body as InboxBody;
    const seen = Object.fromEntries(opened.items.map((item) => [item.id, item.revision]));
    expect(seen[heard.id]).toBe(1);
    expect(seen[edited.id]).toBe(1);

    const newAudio = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 45000,
    });
    clock.advance(60_000);
    const patched = await app
      .http()
      .patch(`/api/v1/bulletins/${edited.id}`)
      .set(bearer(operator))
      .send({ title: 'Hướng dẫn dùng VNeID (bản mới)', body: 'Nội dung khác', audioId: newAudio })
      .expect(200);
    expect(patched.body.revision).toBe(2);

    const refused = await post('/approvals/review', approver, {
      decision: 'approve',
      bulletinIds: [heard.id, edited.id],
      revisions: { [heard.id]: seen[heard.id], [edited.id]: seen[edited.id] },
    }).expect(409);
    expect(refused.body).toMatchObject({
      statusCode: 409,
      code: 'BULLETIN_CHANGED',
      changed: [
        {
          bulletinId: edited.id,
          title: 'Hướng dẫn dùng VNeID (bản mới)',
          reviewedRevision: 1,
          revision: 2,
        },
      ],
    });
    expect(refused.body.message).toContain(edited.id);
    expect(refused.body.message).not.toContain(heard.id);
    // All or nothing: the unchanged bulletin was not approved either, and nobody was told.
    for (const id of [heard.id, edited.id]) {
      const still = await get(`/bulletins/${id}`, operator).expect(200);
      expect(still.body).toMatchObject({ status: 'draft', approvedBy: null });
    }
    const notices = await get('/notices?unread=true', operator).expect(200);
    expect(JSON.stringify(notices.body)).not.toContain(heard.id);
    const audit = await get('/audit?action=bulletin.approved', who.admin).expect(200);
    expect(JSON.stringify(audit.body)).not.toContain(heard.id);

    // The single-bulletin button is held to the same rule.
    await post(`/bulletins/${edited.id}/approve`, approver, { revision: 1 }).expect(409);
    expect((await get(`/bulletins/${edited.id}`, operator).expect(200)).body.status).toBe('draft');

    // Having listened again, the approver approves the revision now shown.
    const reread = await get(`/bulletins/${edited.id}`, approver).expect(200);
    const approved = await post('/approvals/review', approver, {
      decision: 'approve',
      bulletinIds: [heard.id, edited.id],
      revisions: { [heard.id]: seen[heard.id], [edited.id]: reread.body.revision },
    }).expect(200);
    expect(approved.body).toMatchObject({ decision: 'approve', changed: 2 });
    const after = await get(`/bulletins/${edited.id}`, operator).expect(200);
    expect(after.body).toMatchObject({ status: 'approved', revision: 2, audioId: newAudio });
  });

  it('requires the revision to approve, checks it to send back, and counts only real edits', async () => {
    const d = await draft('Đăng ký khai sinh trực tuyến');
    const missing = await post('/approvals/review', who.approver, {
      decision: 'approve',
      bulletinIds: [d.id],
    }).expect(409);
    expect(missing.body).toMatchObject({
      code: 'BULLETIN_CHANGED',
      changed: [{ bulletinId: d.id, reviewedRevision: null, revision: 1 }],
    });
    expect((await get(`/bulletins/${d.id}`, who.operator).expect(200)).body.status).toBe('draft');

    // An edit that changes nothing is no new revision: the approver's page is still right.
    const same = await app
      .http()
      .patch(`/api/v1/bulletins/${d.id}`)
      .set(bearer(who.operator))
      .send({ title: 'Đăng ký khai sinh trực tuyến', topics: ['kinh-te-so'] })
      .expect(200);
    expect(same.body.revision).toBe(1);
    await app
      .http()
      .patch(`/api/v1/bulletins/${d.id}`)
      .set(bearer(who.operator))
      .send({ priority: 'priority' })
      .expect(200);

    // Sending back an edited bulletin with the reason written about the older one: refused.
    await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
      revisions: { [d.id]: 1 },
      reason: 'Thiếu số điện thoại hỗ trợ',
    }).expect(409);
    // Without a revision a send-back goes through: it only returns the draft to its operator.
    await post('/approvals/review', who.approver, {
      decision: 'send-back',
      bulletinIds: [d.id],
      reason: 'Thiếu số điện thoại hỗ trợ',
    }).expect(200);

    const other = await draft('Khác');
    for (const revisions of [
      { [other.id]: 1 },
      { [d.id]: 0 },
      { [d.id]: 1.5 },
      { [d.id]: '2' },
      [2],
    ]) {
      const bad = await post('/approvals/review', who.approver, {
        decision: 'approve',
        bulletinIds: [d.id],
        revisions,
      }).expect(400);
      expect(bad.body.message).toContain('revisions must map each bulletin id');
    }
    // A revision behind a `__proto__` key names none.
    const hidden = await post('/approvals/review', who.approver, {
      decision: 'approve',
      bulletinIds: [d.id],
      revisions: JSON.parse(`{"__proto__": {"${d.id}": 2}}`) as object,
    });
    expect(hidden.status).not.toBe(200);
    expect((await get(`/bulletins/${d.id}`, who.operator).expect(200)).body.status).toBe('draft');
    await post(`/bulletins/${other.id}/approve`, who.approver, { revision: 0 }).expect(400);
  });

  it('the single approve route also notices the operator', async () => {
    const e = await draft('Duyệt từng bản tin');
    clock.advance(60_000);
    await post(`/bulletins/${e.id}/approve`, who.approver).expect(200);
    const notices = await get('/notices?unread=true', who.operator).expect(200);
    expect(notices.body.items[0]).toMatchObject({ kind: 'bulletin.approved', bulletinId: e.id });
  });

  it('previews the reading of a pasted text through the same cleaning and normalizer as synthesis', async () => {
    // As a PDF copy gives it: an empty line after every printed line.
    const pasted = [
      'Mô hình chính quyền ',
      '02 cấp, từ ngày 10/10/2025, UBND xã ',
      'tuyên truy-',
      'ền.',
      '- Đạt 85% hồ sơ',
    ].join('\n\n');
    const preview = await post('/tts/preview', who.operator, { text: pasted }).expect(200);
    expect(preview.body).toEqual({
      cleaned:
        'Mô hình chính quyền 02 cấp, từ ngày 10/10/2025, UBND xã tuyên truyền.\nĐạt 85% hồ sơ.',
      spoken:
        'Mô hình chính quyền hai cấp, từ ngày mười tháng mười năm hai nghìn không trăm hai mươi lăm, ' +
        'Ủy ban nhân dân xã tuyên truyền.\nĐạt tám mươi lăm phần trăm hồ sơ.',
      readings: [
        { written: '02 cấp', spoken: 'hai cấp' },
        {
          written: 'ngày 10/10/2025',
          spoken: 'ngày mười tháng mười năm hai nghìn không trăm hai mươi lăm',
        },
        { written: 'UBND', spoken: 'Ủy ban nhân dân' },
        { written: '85%', spoken: 'tám mươi lăm phần trăm' },
      ],
    });
    await post('/tts/preview', who.operator, { text: '' }).expect(400);
    await post('/tts/preview', who.operator, {}).expect(400);
    await app.http().post('/api/v1/tts/preview').send({ text: 'UBND' }).expect(401);
    const audit = await get('/audit?action=bulletin.sent-back', who.admin).expect(200);
    expect(JSON.stringify(audit.body)).toContain('Sửa lại số liệu tỉ lệ hồ sơ trực tuyến');
  });

  it('previews a commune announcement with fractions, money, phone numbers, hours and a circular read as words', async () => {
    const text =
      'UBND P. Hàm Rồng thông báo: 2/3 số hộ đã nộp BHYT; từ ngày 1/2, tiếp dân 8h-11h30, ' +
      'lệ phí 50.000đ theo Thông tư số 39/2020/TT-BTTTT, liên hệ 0912.345.678.';
    const preview = await post('/tts/preview', who.operator, { text }).expect(200);
    expect(preview.body.spoken).toBe(
      'Ủy ban nhân dân phường Hàm Rồng thông báo: hai phần ba số hộ đã nộp bảo hiểm y tế; từ ngày ' +
        'mồng một tháng hai, tiếp dân tám giờ đến mười một giờ ba mươi phút, lệ phí năm mươi nghìn ' +
        'đồng theo Thông tư số ba mươi chín trên hai nghìn không trăm hai mươi, thông tư Bộ Thông ' +
        'tin và Truyền thông, liên hệ không chín một hai, ba bốn năm, sáu bảy tám.',
    );
    expect(preview.body.readings).toEqual(
      expect.arrayContaining([
        { written: '2/3 số', spoken: 'hai phần ba số' },
        { written: 'ngày 1/2', spoken: 'ngày mồng một tháng hai' },
        { written: '50.000đ', spoken: 'năm mươi nghìn đồng' },
      ]),
    );
  });

  it('lists an emergency waiting for approval before older bulletins', async () => {
    clock.advance(60_000);
    const older = await draft('Lịch tiêm chủng tháng 10');
    clock.advance(60_000);
    const urgent = await createDraft(app, who.operator, HAC_THANH, {
      title: 'Cảnh báo lũ quét',
      topics: ['kinh-te-so'],
      durationMs: 30000,
      priority: 'emergency',
    });
    const inbox = (await get('/approvals', who.approver).expect(200)).body as InboxBody;
    const ids = inbox.items.map((item) => item.id);
    expect(ids[0]).toBe(urgent.id);
    // The rest stay first come, first served: the older one is the last of them.
    expect(ids.at(-1)).toBe(older.id);
    expect(ids.length).toBeGreaterThan(2);
  });
});
