import type { AppConfig } from '../config/app-config';
import type { Db } from '../database/db.service';
import type { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import type { ProgramLogRepository } from '../schedule/program-log.repository';
import type { ScheduleChanges } from '../schedule/schedule-changes';
import { livenessAt } from './device-status';
import { DeviceStatusBook, StatusValues } from './device-status-book';
import type { DevicesRepository } from './devices.repository';
import type { DevicesService } from './devices.service';
import type { Device } from './entities/device.entity';
import type { FleetLink } from './fleet-link';
import { SyncPusher } from './sync-pusher';

const T0 = new Date('2026-12-07T08:00:00Z');
const COMMUNE = '14797';
const config = { fleet: { statusWriteMs: 1000, silentAfterSeconds: 90 } } as AppConfig;
const seconds = (n: number) => new Date(T0.getTime() + n * 1000);

/** A device's row, as much of it as the pusher and the status book read. */
function row(id: string, status: Pick<Device, 'state' | 'lastSeenAt'>): Device {
  const read: Pick<Device, 'id' | 'communeCode' | 'zones' | 'state' | 'lastSeenAt'> = {
    id,
    communeCode: COMMUNE,
    zones: [],
    ...status,
  };
  return read as Device;
}

describe('SyncPusher', () => {
  let table: Map<string, Device>;
  let book: DeviceStatusBook;
  let pusher: SyncPusher;
  let synced: string[];

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    table = new Map();
    synced = [];
    const devices = {
      find: (id: string) => Promise.resolve(table.get(id) ?? null),
      listByCommune: () => Promise.resolve([...table.values()].map((device) => ({ ...device }))),
      updateStatuses: (batch: ReadonlyMap<string, StatusValues>) => {
        for (const [id, values] of batch) table.set(id, { ...table.get(id)!, ...values });
        return Promise.resolve();
      },
    } as unknown as DevicesRepository;
    book = new DeviceStatusBook(config, devices);
    const service = {
      liveness: () => livenessAt(config, T0),
      publishCommand: (device: Device) => {
        synced.push(device.id);
        return Promise.resolve();
      },
    } as unknown as DevicesService;
    const programLog = {
      itemsByIds: () => Promise.resolve([{ id: 'item-1', zones: null } as ScheduleItem]),
    } as unknown as ProgramLogRepository;
    const link = { optional: () => ({}) } as unknown as FleetLink;
    pusher = new SyncPusher(
      {} as ScheduleChanges,
      { manager: {} } as Db,
      programLog,
      devices,
      book,
      service,
      link,
    );
  });

  afterEach(async () => {
    await book.onModuleDestroy();
    jest.useRealTimers();
  });

  it('sends a sync to the clusters online by the statuses taken, written or not', async () => {
    table.set('online', row('online', { state: 'online', lastSeenAt: seconds(-10) }));
    table.set('first-status', row('first-status', { state: null, lastSeenAt: null }));
    table.set('last-will', row('last-will', { state: 'online', lastSeenAt: seconds(-10) }));
    book.take((await book.device('first-status'))!, { state: 'online', lastSeenAt: seconds(-1) });
    book.take((await book.device('last-will'))!, { state: 'offline' });

    expect(await pusher.push(COMMUNE, ['item-1'])).toBe(2);
    expect(synced.sort()).toEqual(['first-status', 'online']);
  });
});
