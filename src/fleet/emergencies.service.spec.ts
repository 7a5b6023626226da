import type { EntityManager } from 'typeorm';
import type { AuditService } from '../auth/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { ManualClock } from '../common/manual-clock';
import type { AppConfig } from '../config/app-config';
import type { Db } from '../database/db.service';
import type { GeoService } from '../geo/geo.service';
import type { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import type { EmergencyView, PlacedEmergency, ScheduleService } from '../schedule/schedule.service';
import { DeviceStatusBook, StatusValues } from './device-status-book';
import type { DevicesRepository } from './devices.repository';
import type { EmergenciesRepository, FleetDevice } from './emergencies.repository';
import { EmergenciesService } from './emergencies.service';
import type { EmergencyDevice } from './entities/emergency-device.entity';
import type { Device } from './entities/device.entity';
import type { FleetLink } from './fleet-link';

const T0 = new Date('2026-12-07T08:00:00Z');
const SILENT_AFTER_SECONDS = 90;
const COMMUNE = '14797';
const PROVINCE = '38';
const seconds = (n: number) => new Date(T0.getTime() + n * 1000);
/** Three clusters (device ids are UUIDs: they name the MQTT topics). */
const A = '0193a000-0000-7000-8000-00000000000a';
const B = '0193a000-0000-7000-8000-00000000000b';
const C = '0193a000-0000-7000-8000-00000000000c';
const actor: AuthUser = {
  id: 'u1',
  username: 'monitor',
  role: 'admin',
  communeCode: null,
  provinceCode: null,
};

/** An enrolled cluster of the commune as its row reads: online when last written, unless told. */
function row(
  id: string,
  status: Partial<
    Pick<Device, 'state' | 'lastSeenAt' | 'enrolledAt' | 'apiTokenHash' | 'revokedAt'>
  > = {},
): Device {
  return {
    id,
    communeCode: COMMUNE,
    provinceCode: PROVINCE,
    name: `Cụm ${id.slice(-1)}`,
    zones: [],
    locationLat: null,
    locationLon: null,
    locationNote: null,
    enrolmentCodeHash: null,
    enrolmentExpiresAt: null,
    enrolmentUsedAt: T0,
    publicKey: null,
    apiTokenHash: 'hash',
    mqttPasswordHash: 'hash',
    enrolledAt: seconds(-3600),
    revokedAt: null,
    state: 'online',
    lastSeenAt: seconds(-20),
    playingItemId: null,
    playingStartedAt: null,
    clockSkewMs: 0,
    cachedUntil: null,
    volume: 50,
    power: 'on',
    version: '1.0.0',
    statusProblem: null,
    statusProblemAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...status,
  };
}

function placed(communeCode: string): PlacedEmergency {
  const item = {
    id: `item-${communeCode}`,
    communeCode,
    bulletinId: 'bulletin-1',
    startsAt: T0,
    endsAt: seconds(120),
    zones: null,
  } as ScheduleItem;
  return { item, interrupted: [] };
}

/**
 * The emergency's fan-out with its database replaced by a table in memory: the status book
 * (the real one) writes its batches to it, the emergency reads its devices from it.
 */
describe('EmergenciesService: which clusters are online when an emergency is sent', () => {
  let table: Map<string, Device>;
  let book: DeviceStatusBook;
  let service: EmergenciesService;
  let sent: EmergencyDevice[];
  /** Runs while the emergency's read of the devices is under way (after the rows are read). */
  let duringRead: () => Promise<void>;

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    table = new Map();
    sent = [];
    duringRead = () => Promise.resolve();
    const config = {
      fleet: { statusWriteMs: 1000, silentAfterSeconds: SILENT_AFTER_SECONDS },
    } as AppConfig;
    const devices = {
      find: (id: string) => Promise.resolve(table.get(id) ?? null),
      updateStatuses: (batch: ReadonlyMap<string, StatusValues>) => {
        for (const [id, values] of batch) table.set(id, { ...table.get(id)!, ...values });
        return Promise.resolve();
      },
    } as unknown as DevicesRepository;
    book = new DeviceStatusBook(config, devices);
    const emergencies = {
      devicesOf: async (): Promise<FleetDevice[]> => {
        const rows = [...table.values()].map((device) => ({ ...device }));
        await duringRead();
        return rows;
      },
      insert: (
        _manager: EntityManager,
        _emergency: unknown,
        _commands: unknown,
        targets: EmergencyDevice[],
      ) => {
        sent.push(...targets);
        return Promise.resolve();
      },
    } as unknown as EmergenciesRepository;
    const schedule = {
      placeEmergency: (_manager: EntityManager, communeCode: string) =>
        Promise.resolve(placed(communeCode)),
      placeEmergencies: (_manager: EntityManager, communeCodes: string[]) =>
        Promise.resolve(communeCodes.map(placed)),
      emergencyPlaced: () => Promise.resolve({ interrupts: [] } as unknown as EmergencyView),
    } as unknown as ScheduleService;
    const db = {
      write: <T>(work: (manager: EntityManager) => Promise<T>) => work({} as EntityManager),
    } as unknown as Db;
    const geo = {
      commune: (code: string) => ({ code, provinceCode: PROVINCE }),
      province: (code: string) => ({ code }),
    } as unknown as GeoService;
    const audit = { record: () => Promise.resolve() } as unknown as AuditService;
    // The broker takes every command.
    const link = {
      optional: () => ({ publish: () => Promise.resolve() }),
    } as unknown as FleetLink;
    service = new EmergenciesService(
      db,
      schedule,
      emergencies,
      geo,
      audit,
      link,
      book,
      new ManualClock(T0),
      config,
    );
  });

  afterEach(async () => {
    await book.onModuleDestroy();
    jest.useRealTimers();
  });

  const onlineWhenSent = () =>
    Object.fromEntries(sent.map((target) => [target.deviceId, target.onlineWhenSent]));

  it('counts the statuses taken and not written yet, over the rows', async () => {
    // a: its first status is in the book, its row still says never seen.
    // b: online in its row, nothing new. c: online in its row, its Last Will in the book.
    table.set(A, row(A, { state: null, lastSeenAt: null }));
    table.set(B, row(B));
    table.set(C, row(C));
    book.take((await book.device(A))!, { state: 'online', lastSeenAt: seconds(-1) });
    book.take((await book.device(C))!, { state: 'offline' });

    const view = await service.commune(COMMUNE, { bulletinId: 'bulletin-1' }, actor);

    expect(onlineWhenSent()).toEqual({ [A]: true, [B]: true, [C]: false });
    expect(view.devices).toEqual({ targeted: 3, notEnrolled: 0, online: 2, published: 3 });
    // Nothing was written meanwhile: the rows alone would have said a offline, c online.
    expect(table.get(A)!.lastSeenAt).toBeNull();
  });

  it('counts a batch of statuses that commits while the rows are read', async () => {
    table.set(A, row(A, { state: null, lastSeenAt: null }));
    table.set(B, row(B, { state: 'offline', lastSeenAt: seconds(-600) }));
    book.take((await book.device(A))!, { state: 'online', lastSeenAt: seconds(-1) });
    book.take((await book.device(B))!, { state: 'playing', lastSeenAt: seconds(-2) });
    // The rows are read before the batch commits; the batch leaves the book as it commits.
    duringRead = () => book.flush();

    const view = await service.province(PROVINCE, { bulletinId: 'bulletin-1' }, actor);

    expect(table.get(A)).toMatchObject({ state: 'online', lastSeenAt: seconds(-1) });
    expect(onlineWhenSent()).toEqual({ [A]: true, [B]: true });
    expect(view.devices).toEqual({ targeted: 2, notEnrolled: 0, online: 2, published: 2 });
  });

  it('counts the registered clusters never enrolled apart, as the record and the lists do', async () => {
    table.set(A, row(A));
    table.set(B, row(B, { enrolledAt: null, apiTokenHash: null, state: null, lastSeenAt: null }));
    // Revoked before now: sent nothing, so neither targeted nor counted.
    table.set(C, row(C, { apiTokenHash: null, revokedAt: seconds(-60), state: null }));

    const view = await service.commune(COMMUNE, { bulletinId: 'bulletin-1' }, actor);

    expect(sent.map((target) => [target.deviceId, target.enrolledWhenSent])).toEqual([
      [A, true],
      [B, false],
    ]);
    expect(view.devices).toEqual({ targeted: 2, notEnrolled: 1, online: 1, published: 2 });
  });
});
