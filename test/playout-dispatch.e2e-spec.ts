import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { PlayoutDispatcher } from '../src/playout/playout-dispatcher.service';
import { QueueName } from '../src/queue/queue.constants';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { createTestStorage, startTestApp, TestApp, TestStorage } from './support/test-app';

const PROVINCE = '38';
const COMMUNE = '14797';
const HOUR = 3600 * 1000;

/**
 * The dispatcher after a program-log change settles the changed items' jobs only, at once. The
 * app runs the API role alone: no scheduler tick, so every job here comes from the change.
 */
describe('playout dispatcher: jobs of changed items (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let queue: Queue;
  let dispatcher: PlayoutDispatcher;
  let bulletinId: string;

  const jobOf = (item: ScheduleItem) => queue.getJob(`play-${item.id}`);
  const item = (startsAt: Date) =>
    insertScheduleItem(app, { communeCode: COMMUNE, bulletinId, startsAt, durationMs: 30000 });

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api', PLAYOUT_HORIZON_HOURS: '24' });
    queue = app.app.get<Queue>(getQueueToken(QueueName.Playout));
    dispatcher = app.app.get(PlayoutDispatcher);
    bulletinId = (
      await insertBulletin(app, {
        communeCode: COMMUNE,
        provinceCode: PROVINCE,
        title: 'Bản tin kinh tế số',
        topics: ['kinh-te-so'],
      })
    ).id;
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('adds created items within the horizon, moves and drops their jobs, and leaves other jobs alone', async () => {
    const soon = await item(new Date(Date.now() + 2 * HOUR));
    const later = await item(new Date(Date.now() + 30 * HOUR));
    expect(
      await dispatcher.reconcileChange({
        communeCode: COMMUNE,
        kind: 'created',
        itemIds: [soon.id, later.id],
      }),
    ).toEqual({ added: 1, replaced: 0, removed: 0 });
    expect((await jobOf(soon))?.data).toEqual({
      scheduleItemId: soon.id,
      startsAt: soon.startsAt.toISOString(),
    });
    expect(await (await jobOf(soon))?.getState()).toBe('delayed');
    expect(await jobOf(later)).toBeUndefined();

    // An item cancelled behind the dispatcher's back keeps its job until the full reconcile.
    const forgotten = await item(new Date(Date.now() + 3 * HOUR));
    await dispatcher.reconcileChange({
      communeCode: COMMUNE,
      kind: 'created',
      itemIds: [forgotten.id],
    });
    const manager = app.app.get(DataSource).manager;
    await manager.update(ScheduleItem, { id: forgotten.id }, { status: 'cancelled' });

    const moved = new Date(soon.startsAt.getTime() + 60000);
    await manager.update(ScheduleItem, { id: soon.id }, { startsAt: moved });
    expect(
      await dispatcher.reconcileChange({ communeCode: COMMUNE, kind: 'moved', itemIds: [soon.id] }),
    ).toEqual({ added: 0, replaced: 1, removed: 0 });
    expect((await jobOf(soon))?.data.startsAt).toBe(moved.toISOString());
    expect(await jobOf(forgotten)).toBeDefined();

    // Moved into the horizon: the item gets its job.
    const into = new Date(Date.now() + 4 * HOUR);
    await manager.update(ScheduleItem, { id: later.id }, { startsAt: into });
    expect(
      await dispatcher.reconcileChange({
        communeCode: COMMUNE,
        kind: 'moved',
        itemIds: [later.id],
      }),
    ).toEqual({ added: 1, replaced: 0, removed: 0 });
    expect((await jobOf(later))?.data.startsAt).toBe(into.toISOString());

    await manager.update(ScheduleItem, { id: soon.id }, { status: 'cancelled' });
    expect(
      await dispatcher.reconcileChange({
        communeCode: COMMUNE,
        kind: 'cancelled',
        itemIds: [soon.id],
      }),
    ).toEqual({ added: 0, replaced: 0, removed: 1 });
    expect(await jobOf(soon)).toBeUndefined();
    expect(await jobOf(later)).toBeDefined();

    // The full reconcile (the scheduler's tick) repairs what no change announced.
    expect(await dispatcher.reconcile()).toEqual({ added: 0, replaced: 0, removed: 1 });
    expect(await jobOf(forgotten)).toBeUndefined();
  });

  it('writes the jobs of a large plan in one pass', async () => {
    const start = Date.now() + 5 * HOUR;
    const items: ScheduleItem[] = [];
    for (let index = 0; index < 300; index += 1) {
      items.push(await item(new Date(start + index * 40000)));
    }
    expect(
      await dispatcher.reconcileChange({
        communeCode: COMMUNE,
        kind: 'created',
        itemIds: items.map((planned) => planned.id),
      }),
    ).toEqual({ added: 300, replaced: 0, removed: 0 });
    const ids = new Set((await queue.getJobs(['delayed'])).map((job) => job.id));
    for (const planned of items) expect(ids.has(`play-${planned.id}`)).toBe(true);
  });
});
