import { ManualClock } from '../src/common/manual-clock';
import { OverdueItems } from '../src/playout/overdue-items.service';
import { runPython } from './support/python';
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
  status: string;
  title: string | null;
  priority: string | null;
  topics: string[];
  startsAt: string;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;

// Real ffmpeg, databases and many requests per test: more than Jest's default 5 s.
jest.setTimeout(60000);

describe('program log items keep their history (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    // The API alone: the test writes the as-run records, no player or scheduler runs.
    app = await startTestApp(storage, { APP_ROLES: 'api' }, { clock });
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
  const schedule = (bulletinId: string, startsAt: string) =>
    post(`/communes/${HAC_THANH}/schedule`, who.operator, { bulletinId, startsAt }).expect(201);
  const editBulletin = (id: string, body: object) =>
    app.http().patch(`/api/v1/bulletins/${id}`).set(bearer(who.operator)).send(body).expect(200);
  const list = async (from: string, to: string): Promise<Item[]> =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule?from=${from}&to=${to}`)
        .set(bearer(who.operator))
        .expect(200)
    ).body as Item[];
  const byId = async (ids: Record<string, string>) => {
    const items = await list('2025-10-06', '2025-10-12');
    return Object.fromEntries(
      Object.entries(ids).map(([name, id]) => {
        const { status, title, priority, topics } = items.find((item) => item.id === id)!;
        return [name, { status, title, priority, topics }];
      }),
    );
  };

  it('keeps the title, priority and topics an item ran or was cancelled with; items ahead follow the bulletin', async () => {
    const bulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Dịch vụ công trực tuyến toàn trình',
      topics: ['chinh-quyen-so'],
      durationMs: 30000,
    });
    const aired = (await schedule(bulletin, at('2025-10-06', '05:30:00'))).body as Item;
    const missed = (await schedule(bulletin, at('2025-10-07', '05:30:00'))).body as Item;
    const cancelled = (await schedule(bulletin, at('2025-10-08', '05:30:00'))).body as Item;
    const ahead = (await schedule(bulletin, at('2025-10-10', '05:30:00'))).body as Item;
    await post(`/communes/${HAC_THANH}/schedule/items/${cancelled.id}/cancel`, who.operator, {
      reason: 'Trùng lịch họp',
    }).expect(200);
    clock.set('2025-10-07T08:00:00+07:00');
    await post(`/communes/${HAC_THANH}/playout-log`, who.operator, {
      outcome: 'aired',
      scheduleItemId: aired.id,
      startedAt: at('2025-10-06', '05:30:00'),
      endedAt: at('2025-10-06', '05:30:30'),
    }).expect(201);
    await post(`/communes/${HAC_THANH}/playout-log`, who.operator, {
      outcome: 'missed',
      scheduleItemId: missed.id,
      reason: 'Mất điện',
    }).expect(201);
    const ids = { aired: aired.id, missed: missed.id, cancelled: cancelled.id, ahead: ahead.id };
    const before = {
      title: 'Dịch vụ công trực tuyến toàn trình',
      priority: 'normal',
      topics: ['chinh-quyen-so'],
    };

    // A new title and a higher (not emergency) priority keep the bulletin approved.
    await editBulletin(bulletin, { title: 'Dịch vụ công trực tuyến: nộp hồ sơ tại nhà' });
    await editBulletin(bulletin, { priority: 'priority' });
    const renamed = {
      title: 'Dịch vụ công trực tuyến: nộp hồ sơ tại nhà',
      priority: 'priority',
      topics: ['chinh-quyen-so'],
    };
    expect(await byId(ids)).toEqual({
      aired: { status: 'aired', ...before },
      missed: { status: 'missed', ...before },
      cancelled: { status: 'cancelled', ...before },
      ahead: { status: 'planned', ...renamed },
    });

    // Raised to emergency: back to draft, the item ahead comes off the log as it stood.
    const raised = await editBulletin(bulletin, { priority: 'emergency' });
    expect(raised.body).toMatchObject({
      returnedToDraft: true,
      cancelledItems: [expect.objectContaining({ id: ahead.id })],
    });
    await post(`/bulletins/${bulletin}/approve`, who.approver).expect(200);
    // Other topics send it back too; approved again.
    await editBulletin(bulletin, { topics: ['kinh-te-so', 'xa-hoi-so'] });
    await post(`/bulletins/${bulletin}/approve`, who.approver).expect(200);
    const next = (await schedule(bulletin, at('2025-10-11', '05:30:00'))).body as Item;
    expect(await byId({ ...ids, next: next.id })).toEqual({
      aired: { status: 'aired', ...before },
      missed: { status: 'missed', ...before },
      cancelled: { status: 'cancelled', ...before },
      ahead: { status: 'cancelled', ...renamed },
      next: {
        status: 'planned',
        title: 'Dịch vụ công trực tuyến: nộp hồ sơ tại nhà',
        priority: 'emergency',
        topics: ['kinh-te-so', 'xa-hoi-so'],
      },
    });
    // The as-run record keeps the title it aired with.
    const log = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log?from=2025-10-06&to=2025-10-06`)
      .set(bearer(who.operator))
      .expect(200);
    expect(log.body).toEqual([
      expect.objectContaining({ scheduleItemId: aired.id, title: before.title }),
    ]);
  });

  it('raises each calendar event’s SEQUENCE with every move, window change and cancellation', async () => {
    clock.set('2025-10-12T08:00:00+07:00');
    const bulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Kỹ năng số cho người cao tuổi',
      topics: ['xa-hoi-so'],
      durationMs: 30000,
    });
    const evening = await createWindow(app, who.operator, HAC_THANH, {
      name: 'Chiều',
      startTime: '17:00',
      durationMinutes: 30,
    });
    const still = (await schedule(bulletin, at('2025-10-13', '05:30:00'))).body as Item;
    const moved = (await schedule(bulletin, at('2025-10-14', '05:30:00'))).body as Item;
    const dropped = (await schedule(bulletin, at('2025-10-15', '05:30:00'))).body as Item;
    const shifted = (await schedule(bulletin, at('2025-10-14', '17:00:00'))).body as Item;
    const feed = async (): Promise<
      Record<string, { sequence: number; status: string; start: string }>
    > => {
      const response = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/schedule.ics?from=2025-10-13&to=2025-10-15`)
        .set(bearer(who.operator))
        .expect(200);
      const events = JSON.parse(
        await runPython(
          [
            'import sys, json, icalendar',
            'cal = icalendar.Calendar.from_ical(sys.stdin.read())',
            "print(json.dumps({str(e['UID']): {'sequence': e.get('SEQUENCE'), 'status': str(e.get('STATUS')), 'start': e.decoded('DTSTART').isoformat()} for e in cal.walk('VEVENT')}))",
          ].join('\n'),
          response.text,
        ),
      ) as Record<string, { sequence: number; status: string; start: string }>;
      return Object.fromEntries(
        Object.entries(events).map(([uid, event]) => [uid.replace('@loa-xa', ''), event]),
      );
    };
    const sequences = async () =>
      Object.fromEntries(
        Object.entries(await feed())
          .filter(([id]) => [still.id, moved.id, dropped.id, shifted.id].includes(id))
          .map(([id, event]) => [id, event.sequence]),
      );
    expect(await sequences()).toEqual({
      [still.id]: 0,
      [moved.id]: 0,
      [dropped.id]: 0,
      [shifted.id]: 0,
    });

    const move = (id: string, startsAt: string) =>
      app
        .http()
        .patch(`/api/v1/communes/${HAC_THANH}/schedule/items/${id}`)
        .set(bearer(who.operator))
        .send({ startsAt })
        .expect(200);
    await move(moved.id, at('2025-10-14', '05:40:00'));
    await move(moved.id, at('2025-10-14', '05:45:00'));
    await post(`/communes/${HAC_THANH}/schedule/items/${dropped.id}/cancel`, who.operator).expect(
      200,
    );
    await app
      .http()
      .patch(`/api/v1/communes/${HAC_THANH}/windows/${evening}?moveItems=true`)
      .set(bearer(who.operator))
      .send({ startTime: '18:00' })
      .expect(200);
    // An outcome is no revision of the event's times or status.
    clock.set('2025-10-13T08:00:00+07:00');
    await post(`/communes/${HAC_THANH}/playout-log`, who.operator, {
      outcome: 'aired',
      scheduleItemId: still.id,
      startedAt: at('2025-10-13', '05:30:00'),
      endedAt: at('2025-10-13', '05:30:30'),
    }).expect(201);

    const events = await feed();
    expect(events[moved.id]).toEqual({
      sequence: 2,
      status: 'CONFIRMED',
      start: '2025-10-14T05:45:00+07:00',
    });
    expect(events[dropped.id]).toMatchObject({ sequence: 1, status: 'CANCELLED' });
    expect(events[shifted.id]).toMatchObject({ sequence: 1, start: '2025-10-14T18:00:00+07:00' });
    expect(events[still.id]).toMatchObject({ sequence: 0, status: 'CONFIRMED' });
  });
});

describe('the record of an item keeps the topics it ran with (e2e)', () => {
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

  it("writes a missed item's record with the item's topics, not the bulletin's edited since", async () => {
    const bulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Dịch vụ công trực tuyến toàn trình',
      topics: ['chinh-quyen-so'],
      durationMs: 30000,
    });
    const item = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule`)
      .set(bearer(who.operator))
      .send({ bulletinId: bulletin, startsAt: at('2025-10-06', '05:40:00') })
      .expect(201);
    // Its start and the late tolerance pass with nobody playing it; then its bulletin's topics
    // are edited (back to draft): the item is past, so it stays on the log as it was.
    clock.set(new Date(at('2025-10-06', '05:45:00')));
    await app
      .http()
      .patch(`/api/v1/bulletins/${bulletin}`)
      .set(bearer(who.operator))
      .send({ topics: ['kinh-te-so'] })
      .expect(200);
    await app.app.get(OverdueItems).settle();

    const log = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log?from=2025-10-06&to=2025-10-06`)
      .set(bearer(who.operator))
      .expect(200);
    expect(log.body).toEqual([
      expect.objectContaining({
        scheduleItemId: item.body.id,
        outcome: 'missed',
        topics: ['chinh-quyen-so'],
      }),
    ]);
  });
});
