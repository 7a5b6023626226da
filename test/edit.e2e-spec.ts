import { ManualClock } from '../src/common/manual-clock';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

interface Item {
  id: string;
  startsAt: string;
  status: string;
  title: string | null;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;

jest.setTimeout(60000);

/**
 * Editing what is on air: windows whose items move or drop in one request, items moved to a free
 * time the server proposes, bulletins edited after approval; and conflicts that name the item or
 * window in the way. The clock stands on Sunday 05/10/2025; every date below is ahead of it.
 */
describe('editing windows, items and bulletins (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let sang: string;
  let news40s: string;
  let news30s: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    sang = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    news40s = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chính quyền số phục vụ người dân',
      topics: ['chinh-quyen-so'],
      durationMs: 40000,
      body: 'Bản tin về chính quyền số.',
    });
    news30s = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Kỹ năng số cho người cao tuổi',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token = who.operator) =>
    app.http()[method](`/api/v1${path}`).set(bearer(token));
  const schedule = (bulletinId: string, startsAt: string) =>
    api('post', `/communes/${HAC_THANH}/schedule`).send({ bulletinId, startsAt });
  const item = async (id: string): Promise<Item> =>
    (await api('get', `/communes/${HAC_THANH}/schedule/items/${id}`).expect(200)).body as Item;

  describe('conflicts name what is in the way', () => {
    it('names the item, its local time and the nearest free time that holds the new one', async () => {
      const first = await schedule(news40s, at('2025-10-06', '05:30:00')).expect(201);
      const refused = await schedule(news30s, at('2025-10-06', '05:30:20')).expect(409);
      expect(refused.body).toMatchObject({
        code: 'SCHEDULE_OVERLAP',
        conflictingItem: {
          id: first.body.id,
          title: 'Chính quyền số phục vụ người dân',
          localTime: '06/10 05:30',
        },
        nearestFreeSlot: {
          windowName: 'Sáng',
          startsAt: expect.stringMatching(/^2025-10-06T05:3\d:\d\d\.000\+07:00$/),
        },
      });
      const proposed = refused.body.nearestFreeSlot as { startsAt: string; localTime: string };
      expect(proposed.localTime).toBe(`06/10 ${proposed.startsAt.slice(11, 16)}`);
      // The proposal is honest: the same request at that time goes through.
      await schedule(news30s, proposed.startsAt).expect(201);
    });

    it('names the other window and its times when two windows overlap', async () => {
      const refused = await api('post', `/communes/${HAC_THANH}/windows`)
        .send({ name: 'Sớm', daysOfWeek: [1], startTime: '05:45', durationMinutes: 30 })
        .expect(409);
      expect(refused.body).toMatchObject({
        code: 'WINDOW_OVERLAP',
        window: { id: sang, name: 'Sáng', startTime: '05:30', endTime: '06:00' },
      });
    });
  });

  describe('moving an item', () => {
    it('proposes free times in each window occurrence, and moves with the checks of a new item', async () => {
      const moving = (await schedule(news30s, at('2025-10-07', '05:30:00')).expect(201)).body;
      const blocker = (await schedule(news40s, at('2025-10-08', '05:30:00')).expect(201)).body;
      const slots = await api(
        'get',
        `/communes/${HAC_THANH}/schedule/items/${moving.id}/slots?days=4`,
      ).expect(200);
      const found = slots.body.slots as {
        date: string;
        startsAt: string;
        localTime: string;
        sameOccurrence: boolean;
        freeStarts: { from: string; to: string }[];
      }[];
      expect(found.map((slot) => slot.date)).toEqual(['2025-10-06', '2025-10-07', '2025-10-08']);
      // Where it is now: the whole window, itself aside, to the last start that ends by 06:00.
      expect(found.find((slot) => slot.date === '2025-10-07')).toMatchObject({
        sameOccurrence: true,
        startsAt: at('2025-10-07', '05:30:00.000'),
        freeStarts: [
          { from: at('2025-10-07', '05:30:00.000'), to: at('2025-10-07', '05:59:30.000') },
        ],
      });
      // On the 8th the 40 s bulletin holds 05:30: the proposal comes after it and the 2 s gap,
      // and every start from there to 05:59:30 holds the item.
      const eighth = found.find((slot) => slot.date === '2025-10-08')!;
      expect(eighth.startsAt).toBe(at('2025-10-08', '05:30:42.000'));
      expect(Date.parse(eighth.startsAt)).toBeGreaterThanOrEqual(Date.parse(blocker.endsAt));
      expect(eighth.freeStarts).toEqual([
        { from: eighth.startsAt, to: at('2025-10-08', '05:59:30.000') },
      ]);

      const refused = await api('patch', `/communes/${HAC_THANH}/schedule/items/${moving.id}`)
        .send({ startsAt: blocker.startsAt })
        .expect(409);
      expect(refused.body).toMatchObject({
        code: 'SCHEDULE_OVERLAP',
        conflictingItem: { id: blocker.id, localTime: '08/10 05:30' },
        nearestFreeSlot: { startsAt: eighth.startsAt },
      });
      expect((await item(moving.id)).startsAt).toBe(moving.startsAt);

      const moved = await api('patch', `/communes/${HAC_THANH}/schedule/items/${moving.id}`)
        .send({ startsAt: eighth.startsAt })
        .expect(200);
      expect(moved.body).toMatchObject({ startsAt: eighth.startsAt, status: 'planned' });

      // The range is honest at its end: its last start moves, one second later is refused.
      const last = eighth.freeStarts[0].to;
      await api('patch', `/communes/${HAC_THANH}/schedule/items/${moving.id}`)
        .send({ startsAt: last })
        .expect(200);
      const late = await api('patch', `/communes/${HAC_THANH}/schedule/items/${moving.id}`)
        .send({ startsAt: at('2025-10-08', '05:59:31') })
        .expect(409);
      expect(late.body.code).toBe('SCHEDULE_OUTSIDE_WINDOW');
      expect((await item(moving.id)).startsAt).toBe(last);
    });

    it('refuses bad input with a 4xx JSON', async () => {
      const some = (await schedule(news30s, at('2025-10-09', '05:30:00')).expect(201)).body;
      for (const query of ['days=0', 'days=40', 'days=x']) {
        const response = await api(
          'get',
          `/communes/${HAC_THANH}/schedule/items/${some.id}/slots?${query}`,
        );
        expect({ query, status: response.status, code: response.body.code }).toEqual({
          query,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
    });
  });

  describe('editing a window that holds items', () => {
    let chieu: string;
    const ids: string[] = [];

    beforeAll(async () => {
      chieu = await createWindow(app, who.operator, HAC_THANH, {
        name: 'Chiều',
        startTime: '17:00',
        durationMinutes: 30,
      });
      for (const date of ['2025-10-13', '2025-10-14', '2025-10-15']) {
        ids.push((await schedule(news40s, at(date, '17:05:00')).expect(201)).body.id);
        ids.push((await schedule(news30s, at(date, '17:20:00')).expect(201)).body.id);
      }
    });

    const edit = (query: string, body: object) =>
      api('patch', `/communes/${HAC_THANH}/windows/${chieu}?${query}`).send(body);

    it('names the items a new time leaves outside and how many fit, writing nothing', async () => {
      const refused = await edit('', { startTime: '18:00', durationMinutes: 10 }).expect(409);
      expect(refused.body).toMatchObject({
        code: 'WINDOW_HAS_ITEMS',
        itemCount: 6,
        movableCount: 6,
      });
      expect(refused.body.items[0]).toMatchObject({
        title: 'Chính quyền số phục vụ người dân',
        localTime: '13/10 17:05',
      });
      const rehearsal = await edit('moveItems=true&dryRun=true', {
        startTime: '18:00',
        durationMinutes: 10,
      }).expect(200);
      expect(rehearsal.body).toMatchObject({ dryRun: true, startTime: '18:00' });
      expect(rehearsal.body.movedItems).toHaveLength(6);
      const window = await api('get', `/communes/${HAC_THANH}/windows/${chieu}`).expect(200);
      expect(window.body).toMatchObject({ startTime: '17:00', durationMinutes: 30 });
      expect((await item(ids[0])).startsAt).toBe(at('2025-10-13', '17:05:00.000'));
    });

    it('moves the items into the new time in one request, keeping their places where free', async () => {
      const moved = await edit('moveItems=true', { startTime: '18:00' }).expect(200);
      expect(moved.body).toMatchObject({ startTime: '18:00', endTime: '18:30', dryRun: false });
      expect(moved.body.droppedItems).toEqual([]);
      expect(moved.body.movedItems).toHaveLength(6);
      expect(await item(ids[0])).toMatchObject({
        startsAt: at('2025-10-13', '18:05:00.000'),
        status: 'planned',
      });
      expect(await item(ids[1])).toMatchObject({ startsAt: at('2025-10-13', '18:20:00.000') });
    });

    it('moves what fits and drops the rest when both are asked', async () => {
      // 18:00–18:01 holds one 40 s bulletin a day, not both.
      const refused = await edit('moveItems=true', { durationMinutes: 1 }).expect(409);
      expect(refused.body).toMatchObject({ code: 'WINDOW_HAS_ITEMS', movableCount: 3 });
      expect((await item(ids[0])).startsAt).toBe(at('2025-10-13', '18:05:00.000'));
      const done = await edit('moveItems=true&dropItems=true', { durationMinutes: 1 }).expect(200);
      expect(done.body.movedItems).toHaveLength(3);
      expect(done.body.droppedItems).toHaveLength(3);
      const statuses = await Promise.all(ids.map(async (id) => (await item(id)).status));
      expect(statuses.filter((status) => status === 'planned')).toHaveLength(3);
      expect(statuses.filter((status) => status === 'cancelled')).toHaveLength(3);
    });

    it('deletes a window with its items in one request, after a rehearsal that counts them', async () => {
      const planned = [];
      for (const date of ['2025-10-20', '2025-10-21', '2025-10-22', '2025-10-23']) {
        planned.push((await schedule(news30s, at(date, '18:00:00')).expect(201)).body.id);
      }
      const rehearsal = await api(
        'delete',
        `/communes/${HAC_THANH}/windows/${chieu}?dryRun=true&dropItems=true`,
      ).expect(200);
      expect(rehearsal.body).toMatchObject({ deleted: false, dryRun: true });
      expect(rehearsal.body.droppedItems.length).toBeGreaterThanOrEqual(4);
      await api('get', `/communes/${HAC_THANH}/windows/${chieu}`).expect(200);
      const deleted = await api(
        'delete',
        `/communes/${HAC_THANH}/windows/${chieu}?dropItems=true`,
      ).expect(200);
      expect(deleted.body).toMatchObject({ deleted: true });
      expect(deleted.body.droppedItems).toHaveLength(rehearsal.body.droppedItems.length);
      for (const id of planned) expect((await item(id)).status).toBe('cancelled');
    });
  });

  describe('editing a bulletin', () => {
    it('keeps the approval for a new title', async () => {
      const renamed = await api('patch', `/bulletins/${news30s}`)
        .send({ title: 'Kỹ năng số cho người cao tuổi (bản sửa)' })
        .expect(200);
      expect(renamed.body).toMatchObject({ status: 'approved', returnedToDraft: false });
      expect(renamed.body.cancelledItems).toEqual([]);
    });

    it('says before saving that a new text sends it back for approval and cancels its items', async () => {
      const future = (await schedule(news40s, at('2025-10-10', '05:40:00')).expect(201)).body;
      const rehearsal = await api('patch', `/bulletins/${news40s}?dryRun=true`)
        .send({ body: 'Nội dung mới của bản tin.' })
        .expect(200);
      expect(rehearsal.body).toMatchObject({
        dryRun: true,
        returnedToDraft: true,
        status: 'draft',
      });
      const cancelled = (rehearsal.body as { cancelledItems: { id: string }[] }).cancelledItems;
      expect(cancelled.map((one) => one.id)).toContain(future.id);
      const unchanged = await api('get', `/bulletins/${news40s}`).expect(200);
      expect(unchanged.body).toMatchObject({
        status: 'approved',
        body: 'Bản tin về chính quyền số.',
      });
      expect((await item(future.id)).status).toBe('planned');

      const saved = await api('patch', `/bulletins/${news40s}`)
        .send({ body: 'Nội dung mới của bản tin.' })
        .expect(200);
      expect(saved.body).toMatchObject({ dryRun: false, returnedToDraft: true, status: 'draft' });
      expect((await item(future.id)).status).toBe('cancelled');
      await api('post', `/bulletins/${news40s}/approve`, who.approver).expect(200);
    });

    it('sends a bulletin raised to emergency back for approval, before it can go on air at once', async () => {
      const raised = await createApproved(app, who.operator, who.approver, HAC_THANH, {
        title: 'Lịch tiếp công dân tháng 10',
        topics: ['chinh-quyen-so'],
        durationMs: 20000,
      });
      const future = (await schedule(raised, at('2025-10-12', '05:32:00')).expect(201)).body;
      const rehearsal = await api('patch', `/bulletins/${raised}?dryRun=true`)
        .send({ priority: 'emergency' })
        .expect(200);
      expect(rehearsal.body).toMatchObject({
        dryRun: true,
        returnedToDraft: true,
        status: 'draft',
      });
      expect((await api('get', `/bulletins/${raised}`).expect(200)).body.status).toBe('approved');

      const saved = await api('patch', `/bulletins/${raised}`)
        .send({ priority: 'emergency' })
        .expect(200);
      expect(saved.body).toMatchObject({
        returnedToDraft: true,
        status: 'draft',
        priority: 'emergency',
        approvedAt: null,
      });
      const cancelled = (saved.body as { cancelledItems: { id: string }[] }).cancelledItems;
      expect(cancelled.map((one) => one.id)).toEqual([future.id]);
      expect((await item(future.id)).status).toBe('cancelled');
      const refused = await api('post', `/communes/${HAC_THANH}/schedule/emergency`)
        .send({ bulletinId: raised })
        .expect(422);
      expect(refused.body.code).toBe('BULLETIN_NOT_APPROVED');
      const audit = await api('get', '/audit?action=bulletin.unapproved', who.admin).expect(200);
      expect(audit.body).toContainEqual(
        expect.objectContaining({
          targetId: raised,
          detail: expect.objectContaining({ changed: ['priority'] }),
        }),
      );

      // Approved as an emergency, it may be lowered (it loses its exemptions) and raised to
      // `priority` without a new approval.
      await api('post', `/bulletins/${raised}/approve`, who.approver).expect(200);
      for (const priority of ['normal', 'priority']) {
        const kept = await api('patch', `/bulletins/${raised}`).send({ priority }).expect(200);
        expect(kept.body).toMatchObject({ returnedToDraft: false, status: 'approved', priority });
      }
    });

    it('refuses null for topics or audio (400) and keeps the approval and the items', async () => {
      const future = (await schedule(news30s, at('2025-10-11', '05:31:00')).expect(201)).body;
      const before = (await api('get', `/bulletins/${news30s}`).expect(200)).body;
      expect(before.status).toBe('approved');
      for (const query of ['?dryRun=true', '']) {
        for (const [field, body] of [
          ['topics', { topics: null }],
          ['audioId', { audioId: null }],
        ] as const) {
          const refused = await api('patch', `/bulletins/${news30s}${query}`)
            .send(body)
            .expect(400);
          expect(refused.body).toMatchObject({
            code: 'VALIDATION_FAILED',
            message: `${field} may be left out, but not null`,
          });
        }
      }
      const after = await api('get', `/bulletins/${news30s}`).expect(200);
      expect(after.body).toMatchObject({
        status: 'approved',
        approvedAt: before.approvedAt,
        topics: before.topics,
        audioId: before.audioId,
      });
      expect((await item(future.id)).status).toBe('planned');
    });

    it('keeps the approval and the items for an edit whose values are the current ones', async () => {
      const future = (await schedule(news40s, at('2025-10-11', '05:45:00')).expect(201)).body;
      const before = (await api('get', `/bulletins/${news40s}`).expect(200)).body;
      const same = {
        title: before.title,
        topics: [...(before.topics as string[])].reverse(),
        audioId: before.audioId,
        body: before.body,
        priority: before.priority,
      };
      for (const query of ['?dryRun=true', '']) {
        const edited = await api('patch', `/bulletins/${news40s}${query}`).send(same).expect(200);
        expect(edited.body).toMatchObject({ status: 'approved', returnedToDraft: false });
        expect(edited.body.cancelledItems).toEqual([]);
      }
      // A bulletin without text: an empty text is no text, not a change.
      const noText = await api('patch', `/bulletins/${news30s}`).send({ body: '' }).expect(200);
      expect(noText.body).toMatchObject({ status: 'approved', returnedToDraft: false });
      const cleared = await api('patch', `/bulletins/${news30s}`).send({ body: null }).expect(200);
      expect(cleared.body).toMatchObject({ status: 'approved', returnedToDraft: false });
      const after = await api('get', `/bulletins/${news40s}`).expect(200);
      expect(after.body).toMatchObject({ status: 'approved', approvedAt: before.approvedAt });
      expect((await item(future.id)).status).toBe('planned');
    });

    it('refuses an unknown topic with nothing written', async () => {
      const refused = await api('patch', `/bulletins/${news30s}`)
        .send({ title: 'Không lưu', topics: ['khong-co-chu-de-nay'] })
        .expect(422);
      expect(refused.body.code).toBe('TOPIC_UNKNOWN');
      const still = await api('get', `/bulletins/${news30s}`).expect(200);
      expect(still.body.title).toBe('Kỹ năng số cho người cao tuổi (bản sửa)');
    });
  });
});
