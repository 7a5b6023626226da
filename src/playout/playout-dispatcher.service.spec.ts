import { Queue } from 'bullmq';
import { ManualClock } from '../common/manual-clock';
import { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { Db } from '../database/db.service';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { ScheduleChange, ScheduleChanges } from '../schedule/schedule-changes';
import { PlayoutDispatcher } from './playout-dispatcher.service';

const NOW = new Date('2025-09-30T12:00:00.000+07:00');
const HOUR = 3600 * 1000;

function item(id: string, startsAt: Date): ScheduleItem {
  return {
    id,
    communeCode: '14797',
    bulletinId: `bulletin-${id}`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 60000),
    durationMs: 60000,
    status: 'planned',
    source: 'planner',
    zones: null,
    cancelReason: null,
    title: null,
    priority: 'normal',
    revision: 0,
    createdBy: null,
    createdAt: NOW,
    updatedAt: NOW,
    demo: false,
  };
}

/** Items of a plan: one past the late tolerance, one within the horizon, one a week ahead. */
const PAST = item('past', new Date(NOW.getTime() - 2 * HOUR));
const SOON = item('soon', new Date(NOW.getTime() + 2 * HOUR));
const LATER = item('later', new Date(NOW.getTime() + 7 * 24 * HOUR));
const ITEMS = [PAST, SOON, LATER];

/**
 * A dispatcher over a fake database answering its due-items query (the ids it asks for that
 * start within the horizon, as the SQL would) and a queue that records what it is given.
 */
function setup() {
  const config: AppConfig = loadConfig({
    PLAYOUT_LATE_TOLERANCE_MS: '60000',
    PLAYOUT_HORIZON_HOURS: '24',
  });
  const clock = new ManualClock(NOW);
  const asked: string[][] = [];
  const builder = (() => {
    let ids: readonly string[] = ITEMS.map((row) => row.id);
    let from = '';
    let to = '';
    const query = {
      where: (_sql: string, parameters: { ids: string[] }) => {
        ids = parameters.ids;
        asked.push([...ids]);
        return query;
      },
      andWhere: (_sql: string, parameters?: { from?: string; to?: string }) => {
        if (parameters?.from) from = parameters.from;
        if (parameters?.to) to = parameters.to;
        return query;
      },
      getMany: () =>
        Promise.resolve(
          ITEMS.filter(
            (row) =>
              ids.includes(row.id) &&
              row.startsAt.getTime() >= new Date(from).getTime() &&
              row.startsAt.getTime() < new Date(to).getTime(),
          ),
        ),
    };
    return query;
  })();
  const db = {
    manager: { createQueryBuilder: jest.fn(() => builder) },
  } as unknown as Db;
  const queue = {
    addBulk: jest.fn().mockResolvedValue([]),
    getJob: jest.fn().mockResolvedValue(undefined),
  };
  const dispatcher = new PlayoutDispatcher(
    queue as unknown as Queue,
    config,
    db,
    new ScheduleChanges(),
    clock,
  );
  return { dispatcher, queue, db, asked };
}

function created(withStarts: boolean): ScheduleChange {
  return {
    communeCode: '14797',
    kind: 'created',
    itemIds: ITEMS.map((row) => row.id),
    ...(withStarts ? { startsAt: ITEMS.map((row) => row.startsAt) } : {}),
  };
}

/** The jobs given to the queue, by item id, with their delay. */
function added(queue: { addBulk: jest.Mock }): { id: string; delay: number | undefined }[] {
  return queue.addBulk.mock.calls.flatMap(
    ([jobs]: [{ data: { scheduleItemId: string }; opts: { delay?: number } }[]]) =>
      jobs.map((job) => ({ id: job.data.scheduleItemId, delay: job.opts.delay })),
  );
}

describe('PlayoutDispatcher.reconcileChange', () => {
  it('reads and queues only the items of a plan that start within the horizon', async () => {
    const { dispatcher, queue, asked } = setup();
    const result = await dispatcher.reconcileChange(created(true));
    expect(asked).toEqual([['soon']]);
    expect(added(queue)).toEqual([{ id: 'soon', delay: 2 * HOUR - 3000 }]);
    expect(result).toEqual({ added: 1, replaced: 0, removed: 0 });
    expect(queue.getJob).not.toHaveBeenCalled();
  });

  it('reads nothing and queues nothing when every item is outside the horizon', async () => {
    const { dispatcher, queue, db } = setup();
    const change = created(true);
    const result = await dispatcher.reconcileChange({
      ...change,
      itemIds: ['past', 'later'],
      startsAt: [PAST.startsAt, LATER.startsAt],
    });
    expect(db.manager.createQueryBuilder).not.toHaveBeenCalled();
    expect(queue.addBulk).not.toHaveBeenCalled();
    expect(result).toEqual({ added: 0, replaced: 0, removed: 0 });
  });

  it('without the starts, reads every item and queues the same job as before', async () => {
    const { dispatcher, queue, asked } = setup();
    const result = await dispatcher.reconcileChange(created(false));
    expect(asked).toEqual([['past', 'soon', 'later']]);
    expect(added(queue)).toEqual([{ id: 'soon', delay: 2 * HOUR - 3000 }]);
    expect(result).toEqual({ added: 1, replaced: 0, removed: 0 });
  });

  it('still removes the pending job of a changed item moved out of the horizon', async () => {
    const { dispatcher, queue, db } = setup();
    const job = {
      id: 'play-later',
      data: { scheduleItemId: 'later', startsAt: SOON.startsAt.toISOString() },
      getState: jest.fn().mockResolvedValue('delayed'),
      remove: jest.fn().mockResolvedValue(undefined),
    };
    queue.getJob.mockImplementation((id: string) =>
      Promise.resolve(id === 'play-later' ? job : undefined),
    );
    const result = await dispatcher.reconcileChange({
      communeCode: '14797',
      kind: 'moved',
      itemIds: ['later'],
      startsAt: [LATER.startsAt],
    });
    expect(db.manager.createQueryBuilder).not.toHaveBeenCalled();
    expect(job.remove).toHaveBeenCalled();
    expect(result).toEqual({ added: 0, replaced: 0, removed: 1 });
  });
});
