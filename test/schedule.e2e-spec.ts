import { randomUUID } from 'node:crypto';
import { ManualClock } from '../src/common/manual-clock';
import { BroadcastWindow } from '../src/schedule/entities/broadcast-window.entity';
import { Db } from '../src/database/db.service';
import { AudioAsset } from '../src/media/entities/audio-asset.entity';
import { BulletinTopic } from '../src/bulletins/entities/bulletin-topic.entity';
import { ScheduleChange, ScheduleChanges } from '../src/schedule/schedule-changes';
import { runPython } from './support/python';
import {
  Actors,
  createActors,
  createApproved,
  createDraft,
  createWindow,
  HAC_THANH,
  HAM_RONG,
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
  bulletinId: string;
  startsAt: string;
  endsAt: string;
  durationMs: number;
  status: string;
  source: string;
  title: string;
  topics: string[];
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;

// Real ffmpeg, databases and many requests per test: more than Jest's default 5 s.
jest.setTimeout(60000);

describe('program log (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let sang: string;
  let chieu: string;
  let bulletin40s: string;
  let bulletin30s: string;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');
  const changes: ScheduleChange[] = [];

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    app.app.get(ScheduleChanges).onChange((change) => {
      changes.push(change);
    });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    sang = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    chieu = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Chiều',
      startTime: '17:00',
      durationMinutes: 30,
    });
    bulletin40s = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chính quyền số phục vụ người dân',
      topics: ['chinh-quyen-so'],
      durationMs: 40000,
    });
    bulletin30s = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Kỹ năng số cho người cao tuổi',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const post = (path: string, token: string, body: object = {}) =>
    app.http().post(`/api/v1${path}`).set(bearer(token)).send(body);
  const schedule = (bulletinId: string, startsAt: string, token = who.operator) =>
    post(`/communes/${HAC_THANH}/schedule`, token, { bulletinId, startsAt });
  const list = async (from: string, to = from): Promise<Item[]> =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=${from}&to=${to}`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as Item[];

  describe('on-air windows', () => {
    it('lists the windows with their end times', async () => {
      const response = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/windows`)
        .set(bearer(who.monitor))
        .expect(200);
      expect(response.body).toEqual([
        expect.objectContaining({ id: sang, name: 'Sáng', startTime: '05:30', endTime: '06:00' }),
        expect.objectContaining({ id: chieu, name: 'Chiều', startTime: '17:00', endTime: '17:30' }),
      ]);
    });

    it('refuses overlapping windows (naming the other), windows across midnight and bad input', async () => {
      const overlap = await post(`/communes/${HAC_THANH}/windows`, who.operator, {
        name: 'Sáng sớm',
        daysOfWeek: [1],
        startTime: '05:00',
        durationMinutes: 31,
      }).expect(409);
      expect(overlap.body).toMatchObject({
        code: 'WINDOW_OVERLAP',
        window: { id: sang, name: 'Sáng' },
      });
      expect(overlap.body.message).toContain('Sáng (05:30–06:00)');
      const midnight = await post(`/communes/${HAC_THANH}/windows`, who.operator, {
        name: 'Đêm',
        daysOfWeek: [6],
        startTime: '23:30',
        durationMinutes: 31,
      }).expect(400);
      expect(midnight.body.message).toContain('midnight');
      expect(midnight.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        rule: 'window-crosses-midnight',
        startTime: '23:30',
        durationMinutes: 31,
      });
      for (const body of [
        { name: 'x', daysOfWeek: [0], startTime: '10:00', durationMinutes: 10 },
        { name: 'x', daysOfWeek: [8], startTime: '10:00', durationMinutes: 10 },
        { name: 'x', daysOfWeek: [], startTime: '10:00', durationMinutes: 10 },
        { name: 'x', daysOfWeek: [1], startTime: '24:00', durationMinutes: 10 },
        { name: 'x', daysOfWeek: [1], startTime: '10:00', durationMinutes: 0 },
        {
          name: 'x',
          daysOfWeek: [1],
          startTime: '10:00',
          durationMinutes: 10,
          validFrom: '2025-02-30',
        },
        {
          name: 'x',
          daysOfWeek: [1],
          startTime: '10:00',
          durationMinutes: 10,
          validFrom: '2025-10-10',
          validTo: '2025-10-01',
        },
      ]) {
        const response = await post(`/communes/${HAC_THANH}/windows`, who.operator, body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
      }
      // Adjacent is fine, and so is the same time on other days or other dates.
      const adjacent = await createWindow(app, who.operator, HAC_THANH, {
        name: 'Trưa thứ Hai',
        daysOfWeek: [1],
        startTime: '11:00',
        durationMinutes: 15,
        validTo: '2025-10-31',
      });
      await createWindow(app, who.operator, HAC_THANH, {
        name: 'Trưa thứ Hai tháng 11',
        daysOfWeek: [1],
        startTime: '11:00',
        durationMinutes: 15,
        validFrom: '2025-11-01',
      });
      await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/windows/${adjacent}`)
        .set(bearer(who.operator))
        .expect(200);
      await post(`/communes/${HAC_THANH}/windows`, who.monitor, {
        name: 'x',
        daysOfWeek: [1],
        startTime: '20:00',
        durationMinutes: 10,
      }).expect(403);
    });

    it('refuses a name another window of the commune has, on create and rename; another commune may have it', async () => {
      const taken = { code: 'WINDOW_NAME_TAKEN', name: 'Sáng', windowId: sang };
      // Compared trimmed, spaces folded, NFC and in any case: " SÁNG " and a decomposed "sáng".
      for (const name of [' SÁNG ', 'sa\u0301ng']) {
        const response = await post(`/communes/${HAC_THANH}/windows`, who.operator, {
          name,
          daysOfWeek: [1],
          startTime: '20:00',
          durationMinutes: 10,
        }).expect(409);
        expect(response.body).toMatchObject(taken);
      }
      const evening = await createWindow(app, who.operator, HAC_THANH, {
        name: 'Tối  thứ Hai',
        daysOfWeek: [1],
        startTime: '20:00',
        durationMinutes: 10,
      });
      const rename = (id: string, name: string) =>
        app
          .http()
          .patch(`/api/v1/communes/${HAC_THANH}/windows/${id}`)
          .set(bearer(who.operator))
          .send({ name });
      expect((await rename(evening, 'sáng').expect(409)).body).toMatchObject(taken);
      // Its own name, written otherwise, is no conflict.
      await rename(evening, 'Tối thứ hai').expect(200);
      const windows = (
        await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/windows`)
          .set(bearer(who.operator))
          .expect(200)
      ).body as { id: string; name: string }[];
      expect(windows.find((window) => window.id === evening)?.name).toBe('Tối thứ hai');
      // A pair named alike before names were checked: each keeps its time edits until renamed.
      const legacy = {
        ...(await app.app.get(Db).manager.findOneByOrFail(BroadcastWindow, { id: evening })),
      };
      legacy.id = randomUUID();
      legacy.name = 'Tối thứ Hai';
      legacy.startTime = '21:00';
      await app.app.get(Db).write((manager) => manager.insert(BroadcastWindow, legacy));
      await app
        .http()
        .patch(`/api/v1/communes/${HAC_THANH}/windows/${legacy.id}`)
        .set(bearer(who.operator))
        .send({ startTime: '21:10' })
        .expect(200);
      expect((await rename(legacy.id, 'Tối muộn').expect(200)).body).toMatchObject({
        name: 'Tối muộn',
      });
      const other = await createWindow(app, who.otherOperator, HAM_RONG, {
        name: 'Sáng',
        daysOfWeek: [1],
        startTime: '05:30',
        durationMinutes: 10,
      });
      for (const [commune, id, token] of [
        [HAC_THANH, evening, who.operator],
        [HAC_THANH, legacy.id, who.operator],
        [HAM_RONG, other, who.otherOperator],
      ]) {
        await app
          .http()
          .delete(`/api/v1/communes/${commune}/windows/${id}`)
          .set(bearer(token))
          .expect(200);
      }
    });
  });

  describe('adding items', () => {
    it('adds an approved bulletin inside a window and lists it with +07:00 instants', async () => {
      const created = await schedule(bulletin40s, at('2025-10-06', '05:30:00')).expect(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        communeCode: HAC_THANH,
        bulletinId: bulletin40s,
        title: 'Chính quyền số phục vụ người dân',
        topics: ['chinh-quyen-so'],
        startsAt: '2025-10-06T05:30:00.000+07:00',
        endsAt: '2025-10-06T05:30:40.000+07:00',
        durationMs: 40000,
        status: 'planned',
        source: 'manual',
      });
      expect(changes).toContainEqual({
        communeCode: HAC_THANH,
        kind: 'created',
        itemIds: [created.body.id],
      });
      // An instant given in UTC means the same.
      const utc = await schedule(bulletin30s, '2025-10-06T10:00:00Z').expect(201);
      expect(utc.body.startsAt).toBe('2025-10-06T17:00:00.000+07:00');
      const items = await list('2025-10-06');
      expect(items.map((item) => [item.startsAt, item.endsAt, item.status])).toEqual([
        ['2025-10-06T05:30:00.000+07:00', '2025-10-06T05:30:40.000+07:00', 'planned'],
        ['2025-10-06T17:00:00.000+07:00', '2025-10-06T17:00:30.000+07:00', 'planned'],
      ]);
      expect(await list('2025-10-07', '2025-10-08')).toEqual([]);
    });

    it('refuses an overlap, naming the item it meets, and keeps the configured gap', async () => {
      const [first] = await list('2025-10-06');
      const overlap = await schedule(bulletin30s, at('2025-10-06', '05:30:20')).expect(409);
      expect(overlap.body).toMatchObject({
        statusCode: 409,
        code: 'SCHEDULE_OVERLAP',
        conflictingItem: {
          id: first.id,
          title: 'Chính quyền số phục vụ người dân',
          startsAt: '2025-10-06T05:30:00.000+07:00',
        },
        gapSeconds: 2,
      });
      expect(overlap.body.message).toContain(first.id);
      // 05:30:40 ends the first item: 1 s later is inside the 2 s gap, 2 s later is fine.
      await schedule(bulletin30s, at('2025-10-06', '05:30:41')).expect(409);
      await schedule(bulletin30s, at('2025-10-06', '05:30:42')).expect(201);
      // The gap holds before an item too: 05:29:58 + 30 s would end 2 s before… 05:30:28; refused.
      await schedule(bulletin30s, at('2025-10-06', '05:31:11')).expect(409);
    });

    it('refuses items outside every window, naming the window', async () => {
      const pastTheEnd = await schedule(bulletin40s, at('2025-10-06', '05:59:30')).expect(409);
      expect(pastTheEnd.body).toMatchObject({
        code: 'SCHEDULE_OUTSIDE_WINDOW',
        window: { id: sang, name: 'Sáng', endsAt: '2025-10-06T06:00:00.000+07:00' },
      });
      expect(pastTheEnd.body.message).toContain('Sáng (05:30–06:00)');
      const nowhere = await schedule(bulletin40s, at('2025-10-06', '12:00:00')).expect(409);
      expect(nowhere.body).toMatchObject({
        code: 'SCHEDULE_OUTSIDE_WINDOW',
        windows: [
          expect.objectContaining({ name: 'Sáng' }),
          expect.objectContaining({ name: 'Chiều' }),
        ],
      });
      expect(nowhere.body.message).toContain('windows on 2025-10-06');
    });

    it('refuses items in the past', async () => {
      const past = await schedule(bulletin40s, at('2025-10-05', '05:30:00')).expect(409);
      expect(past.body).toMatchObject({
        code: 'SCHEDULE_IN_PAST',
        startsAt: '2025-10-05T05:30:00.000+07:00',
      });
    });

    it('refuses bulletins that are not approved, whose audio is not ready, or with an unknown topic', async () => {
      const { id: draft } = await createDraft(app, who.operator, HAC_THANH, {
        title: 'Bản nháp chưa duyệt',
        topics: ['kinh-te-so'],
        durationMs: 20000,
      });
      const notApproved = await schedule(draft, at('2025-10-07', '05:30:00')).expect(422);
      expect(notApproved.body).toMatchObject({
        code: 'BULLETIN_NOT_APPROVED',
        bulletinStatus: 'draft',
      });

      const reprocessed = await createApproved(app, who.operator, who.approver, HAC_THANH, {
        title: 'Âm thanh đang xử lý lại',
        topics: ['kinh-te-so'],
        durationMs: 20000,
      });
      const db = app.app.get(Db);
      const audioId = (
        await app.http().get(`/api/v1/bulletins/${reprocessed}`).set(bearer(who.operator))
      ).body.audioId as string;
      await db.write((manager) =>
        manager.update(AudioAsset, { id: audioId }, { status: 'processing' }),
      );
      const notReady = await schedule(reprocessed, at('2025-10-07', '05:30:00')).expect(422);
      expect(notReady.body).toMatchObject({ code: 'AUDIO_NOT_READY', audioStatus: 'processing' });

      const stale = await createApproved(app, who.operator, who.approver, HAC_THANH, {
        title: 'Chủ đề đã bị xóa khỏi danh mục',
        topics: ['kinh-te-so'],
        durationMs: 20000,
      });
      await db.write((manager) =>
        manager.insert(BulletinTopic, { bulletinId: stale, topicCode: 'chu-de-cu' }),
      );
      const unknownTopic = await schedule(stale, at('2025-10-07', '05:30:00')).expect(422);
      expect(unknownTopic.body).toMatchObject({ code: 'TOPIC_UNKNOWN', topics: ['chu-de-cu'] });

      const foreign = await createApproved(app, who.otherOperator, who.otherApprover, HAM_RONG, {
        title: 'Tin của phường Hàm Rồng',
        topics: ['kinh-te-so'],
        durationMs: 20000,
      });
      await schedule(foreign, at('2025-10-07', '05:30:00')).expect(404);
      await schedule(bulletin40s, at('2025-10-07', '05:30:00'), who.monitor).expect(403);
      for (const startsAt of ['2025-10-07T05:30:00', '07/10/2025 05:30', '2025-10-07']) {
        const response = await schedule(bulletin40s, startsAt);
        expect({ startsAt, status: response.status }).toEqual({ startsAt, status: 400 });
      }
      expect(await list('2025-10-07')).toEqual([]);
    });

    it('never double-books, even with requests at the same moment', async () => {
      const bulletins = await Promise.all(
        Array.from({ length: 4 }, (_, index) =>
          createApproved(app, who.operator, who.approver, HAC_THANH, {
            title: `Tin song song ${index + 1}`,
            topics: ['hoc-tap-so'],
            durationMs: 25000 + index * 1000,
          }),
        ),
      );
      const attempts = Array.from({ length: 12 }, (_, index) =>
        schedule(bulletins[index % 4], at('2025-10-08', `17:10:${String(index).padStart(2, '0')}`)),
      );
      const responses = await Promise.all(attempts);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(11);
      const items = await list('2025-10-08');
      expect(items).toHaveLength(1);
      expect(items[0].status).toBe('planned');
    });
  });

  describe('moving and cancelling', () => {
    it('moves an item to free time, and refuses overlaps, the past and outside windows', async () => {
      const created = await schedule(bulletin40s, at('2025-10-09', '05:30:00')).expect(201);
      const blocker = await schedule(bulletin30s, at('2025-10-09', '17:00:00')).expect(201);
      const patch = (startsAt: string) =>
        app
          .http()
          .patch(`/api/v1/communes/${HAC_THANH}/schedule/items/${created.body.id}`)
          .set(bearer(who.operator))
          .send({ startsAt });
      const moved = await patch(at('2025-10-09', '05:45:00')).expect(200);
      expect(moved.body).toMatchObject({
        id: created.body.id,
        startsAt: '2025-10-09T05:45:00.000+07:00',
        endsAt: '2025-10-09T05:45:40.000+07:00',
        status: 'planned',
      });
      expect(changes).toContainEqual({
        communeCode: HAC_THANH,
        kind: 'moved',
        itemIds: [created.body.id],
      });
      const overlap = await patch(at('2025-10-09', '17:00:10')).expect(409);
      expect(overlap.body.conflictingItem.id).toBe(blocker.body.id);
      // Moving within its own time is not an overlap with itself.
      await patch(at('2025-10-09', '05:45:10')).expect(200);
      await patch(at('2025-10-04', '05:45:00')).expect(409);
      await patch(at('2025-10-09', '06:30:00')).expect(409);
      await app
        .http()
        .patch(`/api/v1/communes/${HAM_RONG}/schedule/items/${created.body.id}`)
        .set(bearer(who.otherOperator))
        .send({ startsAt: at('2025-10-09', '05:50:00') })
        .expect(404);
    });

    it('cancels an item (audited), frees its time, and refuses to change items that started', async () => {
      const created = await schedule(bulletin40s, at('2025-10-10', '05:30:00')).expect(201);
      const cancelled = await post(
        `/communes/${HAC_THANH}/schedule/items/${created.body.id}/cancel`,
        who.operator,
        { reason: 'Trùng lịch họp tổ dân phố' },
      ).expect(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        cancelReason: 'Trùng lịch họp tổ dân phố',
      });
      expect(changes).toContainEqual({
        communeCode: HAC_THANH,
        kind: 'cancelled',
        itemIds: [created.body.id],
      });
      const replacement = await schedule(bulletin30s, at('2025-10-10', '05:30:00')).expect(201);
      const listed = await list('2025-10-10');
      expect(listed.map((item) => [item.id, item.status]).sort()).toEqual(
        [
          [created.body.id, 'cancelled'],
          [replacement.body.id, 'planned'],
        ].sort(),
      );
      const onlyPlanned = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=2025-10-10&to=2025-10-10&status=planned`)
        .set(bearer(who.operator))
        .expect(200);
      expect(onlyPlanned.body).toHaveLength(1);
      const audit = await app
        .http()
        .get('/api/v1/audit?action=schedule.cancelled')
        .set(bearer(who.admin))
        .expect(200);
      expect(audit.body).toContainEqual(expect.objectContaining({ targetId: created.body.id }));

      const started = replacement.body as Item;
      clock.set('2025-10-10T05:30:05+07:00');
      try {
        const closed = await post(
          `/communes/${HAC_THANH}/schedule/items/${started.id}/cancel`,
          who.operator,
        ).expect(409);
        expect(closed.body).toMatchObject({ code: 'SCHEDULE_ITEM_CLOSED' });
        await app
          .http()
          .patch(`/api/v1/communes/${HAC_THANH}/schedule/items/${started.id}`)
          .set(bearer(who.operator))
          .send({ startsAt: at('2025-10-10', '17:00:00') })
          .expect(409);
      } finally {
        clock.set('2025-10-05T08:00:00+07:00');
      }
    });

    it('refuses bad ranges when listing', async () => {
      for (const query of [
        'from=2025-10-10&to=2025-10-01',
        'from=2025-13-01',
        'from=2025-01-01&to=2026-12-31',
        'status=played',
      ]) {
        const response = await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/schedule?${query}`)
          .set(bearer(who.operator));
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
      }
    });
  });

  describe('changing windows that hold items', () => {
    it('reports the items a shrink would leave outside, and drops them only when asked', async () => {
      const late = await schedule(bulletin40s, at('2025-10-13', '17:20:00')).expect(201);
      const early = await schedule(bulletin30s, at('2025-10-13', '17:00:00')).expect(201);
      const shrink = () =>
        app
          .http()
          .patch(`/api/v1/communes/${HAC_THANH}/windows/${chieu}`)
          .set(bearer(who.operator))
          .send({ durationMinutes: 15 });
      const refused = await shrink().expect(409);
      expect(refused.body).toMatchObject({
        code: 'WINDOW_HAS_ITEMS',
        items: expect.arrayContaining([expect.objectContaining({ id: late.body.id })]),
      });
      expect((refused.body.items as Item[]).map((item) => item.id)).not.toContain(early.body.id);
      expect((await list('2025-10-13')).every((item) => item.status === 'planned')).toBe(true);

      const dropped = await app
        .http()
        .patch(`/api/v1/communes/${HAC_THANH}/windows/${chieu}?dropItems=true`)
        .set(bearer(who.operator))
        .send({ durationMinutes: 15 })
        .expect(200);
      expect(dropped.body).toMatchObject({ endTime: '17:15' });
      expect((dropped.body.droppedItems as Item[]).map((item) => item.id)).toContain(late.body.id);
      const after = await list('2025-10-13');
      expect(after.find((item) => item.id === late.body.id)).toMatchObject({
        status: 'cancelled',
        // The window as it was; the reconciliation page and the calendar feed show this reason.
        cancelReason: 'Khung giờ phát Chiều (17:00–17:30) đã được sửa hoặc xoá',
      });
      expect(after.find((item) => item.id === early.body.id)?.status).toBe('planned');
    });

    it('reports the items a removed window holds, and removes it only when asked', async () => {
      const evening = await createWindow(app, who.operator, HAC_THANH, {
        name: 'Tối',
        startTime: '19:00',
        durationMinutes: 20,
      });
      const item = await schedule(bulletin40s, at('2025-10-14', '19:00:00')).expect(201);
      const refused = await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/windows/${evening}`)
        .set(bearer(who.operator))
        .expect(409);
      expect(refused.body.items).toEqual([expect.objectContaining({ id: item.body.id })]);
      const removed = await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/windows/${evening}?dropItems=true`)
        .set(bearer(who.operator))
        .expect(200);
      expect(removed.body).toMatchObject({ deleted: true, droppedItems: [{ id: item.body.id }] });
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/windows/${evening}`)
        .set(bearer(who.operator))
        .expect(404);
    });
  });

  describe('emergencies', () => {
    it('puts an emergency bulletin on air now, whatever the windows, and refuses other bulletins', async () => {
      const storm = await createApproved(app, who.operator, who.approver, HAC_THANH, {
        title: 'Khẩn cấp: bão số 10 đổ bộ, người dân không ra khỏi nhà',
        topics: ['chu-truong-chinh-sach'],
        durationMs: 20000,
        priority: 'emergency',
      });
      clock.set('2025-10-06T05:30:10+07:00');
      try {
        const response = await post(`/communes/${HAC_THANH}/schedule/emergency`, who.operator, {
          bulletinId: storm,
        }).expect(201);
        expect(response.body).toMatchObject({
          bulletinId: storm,
          source: 'emergency',
          status: 'planned',
          priority: 'emergency',
          startsAt: '2025-10-06T05:30:10.000+07:00',
          endsAt: '2025-10-06T05:30:30.000+07:00',
          interrupts: [expect.objectContaining({ startsAt: '2025-10-06T05:30:00.000+07:00' })],
        });
        expect(changes).toContainEqual({
          communeCode: HAC_THANH,
          kind: 'emergency',
          itemIds: [response.body.id],
        });
        clock.set('2025-10-06T12:00:00+07:00');
        await post(`/communes/${HAC_THANH}/schedule/emergency`, who.operator, {
          bulletinId: storm,
        }).expect(201);
        const refused = await post(`/communes/${HAC_THANH}/schedule/emergency`, who.operator, {
          bulletinId: bulletin40s,
        }).expect(422);
        expect(refused.body).toMatchObject({ code: 'BULLETIN_NOT_EMERGENCY' });
        await post(`/communes/${HAC_THANH}/schedule/emergency`, who.monitor, {
          bulletinId: storm,
        }).expect(403);
      } finally {
        clock.set('2025-10-05T08:00:00+07:00');
      }
      const items = await list('2025-10-06');
      expect(items.filter((item) => item.source === 'emergency')).toHaveLength(2);
    });
  });

  describe('calendar feed', () => {
    const parse = (ics: string) =>
      runPython(
        [
          'import sys, json, icalendar',
          'cal = icalendar.Calendar.from_ical(sys.stdin.read())',
          'out = []',
          "for e in cal.walk('VEVENT'):",
          "    s = e['DTSTART']",
          "    out.append({'uid': str(e['UID']), 'tzid': s.params.get('TZID'), 'start': e.decoded('DTSTART').isoformat(), 'end': e.decoded('DTEND').isoformat(), 'status': str(e.get('STATUS')), 'summary': str(e['SUMMARY']), 'description': str(e.get('DESCRIPTION'))})",
          "print(json.dumps({'events': out, 'timezones': [str(t['TZID']) for t in cal.walk('VTIMEZONE')]}))",
        ].join('\n'),
        ics,
      ).then(
        (text) =>
          JSON.parse(text) as {
            events: {
              uid: string;
              tzid: string;
              start: string;
              end: string;
              status: string;
              summary: string;
              description: string;
            }[];
            timezones: string[];
          },
      );

    it('serves the log as iCalendar that an independent parser reads, one event per item', async () => {
      const response = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule.ics?from=2025-10-06&to=2025-10-14`)
        .set(bearer(who.monitor))
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/calendar/);
      const items = await list('2025-10-06', '2025-10-14');
      const parsed = await parse(response.text);
      expect(parsed.timezones).toEqual(['Asia/Ho_Chi_Minh']);
      expect(parsed.events).toHaveLength(items.length);
      for (const item of items) {
        const event = parsed.events.find((candidate) => candidate.uid === `${item.id}@loa-xa`);
        expect(event).toMatchObject({
          tzid: 'Asia/Ho_Chi_Minh',
          start: item.startsAt.replace('.000', ''),
          end: item.endsAt.replace('.000', ''),
          status: item.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
          summary: item.title,
        });
      }
      // A cancelled item's event says so as the web app spells it.
      const cancelled = items.filter((item) => item.status === 'cancelled');
      expect(cancelled.length).toBeGreaterThan(0);
      for (const item of cancelled) {
        expect(
          parsed.events.find((event) => event.uid === `${item.id}@loa-xa`)?.description,
        ).toContain('Trạng thái: Đã huỷ');
      }
      const again = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule.ics?from=2025-10-06&to=2025-10-14`)
        .set(bearer(who.operator))
        .expect(200);
      expect((await parse(again.text)).events.map((event) => event.uid).sort()).toEqual(
        parsed.events.map((event) => event.uid).sort(),
      );
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule.ics`)
        .set(bearer(who.otherOperator))
        .expect(403);
      await app.http().get(`/api/v1/communes/${HAC_THANH}/schedule.ics`).expect(401);
    });

    it('lets a phone calendar subscribe with a secret link that operators rotate and revoke', async () => {
      const status = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/calendar-token`)
        .set(bearer(who.operator))
        .expect(200);
      expect(status.body).toEqual({ communeCode: HAC_THANH, active: false, createdAt: null });
      await post(`/communes/${HAC_THANH}/calendar-token`, who.monitor).expect(403);
      const first = await post(`/communes/${HAC_THANH}/calendar-token`, who.operator).expect(201);
      expect(first.body).toMatchObject({ active: true, token: expect.any(String) });
      expect(first.body.path).toBe(
        `/api/v1/communes/${HAC_THANH}/schedule.ics?token=${first.body.token}`,
      );
      const feed = await app
        .http()
        .get(`${first.body.path}&from=2025-10-06&to=2025-10-06`)
        .expect(200);
      expect((await parse(feed.text)).events.length).toBe((await list('2025-10-06')).length);
      // The link is for this commune only.
      await app
        .http()
        .get(`/api/v1/communes/${HAM_RONG}/schedule.ics?token=${first.body.token}`)
        .expect(401);

      const second = await post(`/communes/${HAC_THANH}/calendar-token`, who.approver).expect(201);
      await app.http().get(first.body.path).expect(401);
      await app.http().get(second.body.path).expect(200);
      await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/calendar-token`)
        .set(bearer(who.operator))
        .expect(204);
      await app.http().get(second.body.path).expect(401);
      await app
        .http()
        .delete(`/api/v1/communes/${HAC_THANH}/calendar-token`)
        .set(bearer(who.operator))
        .expect(404);
      const audit = await app
        .http()
        .get('/api/v1/audit?action=ics.token.rotated')
        .set(bearer(who.admin))
        .expect(200);
      expect(audit.body).toHaveLength(2);
    });
  });
});

describe('program log with another gap (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;

  beforeAll(async () => {
    storage = await createTestStorage({ SCHEDULE_GAP_SECONDS: '10' });
    app = await startTestApp(storage, {}, { clock: new ManualClock('2025-10-05T08:00:00+07:00') });
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('keeps SCHEDULE_GAP_SECONDS between items', async () => {
    const who = await createActors(app, await app.login(ADMIN.username, ADMIN.password), 'gap-');
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    const id = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Hướng dẫn cài đặt ứng dụng VNeID',
      topics: ['chinh-quyen-so'],
      durationMs: 20000,
    });
    const add = (startsAt: string) =>
      app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/schedule`)
        .set(bearer(who.operator))
        .send({ bulletinId: id, startsAt });
    await add(at('2025-10-06', '05:30:00')).expect(201);
    const refused = await add(at('2025-10-06', '05:30:29')).expect(409);
    expect(refused.body).toMatchObject({ code: 'SCHEDULE_OVERLAP', gapSeconds: 10 });
    await add(at('2025-10-06', '05:30:30')).expect(201);
  });
});
