import { AppConfig } from '../config/app-config';
import { DeviceStatusBook, StatusValues } from './device-status-book';
import { DevicesRepository } from './devices.repository';
import { Device } from './entities/device.entity';

const STATUS_WRITE_INTERVAL_MS = 1000;
const T0 = new Date('2026-12-03T07:00:00Z');

function device(id: string): Device {
  return {
    id,
    communeCode: '14797',
    provinceCode: '38',
    name: `Cụm ${id}`,
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
    enrolledAt: T0,
    revokedAt: null,
    state: 'online',
    lastSeenAt: T0,
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
  };
}

const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('DeviceStatusBook', () => {
  let find: jest.Mock<Promise<Device | null>, [string]>;
  let updateStatuses: jest.Mock<Promise<void>, [ReadonlyMap<string, StatusValues>]>;
  let written: Map<string, StatusValues>[];
  let book: DeviceStatusBook;

  beforeEach(() => {
    jest.useFakeTimers();
    written = [];
    find = jest.fn((id: string) => Promise.resolve(device(id)));
    updateStatuses = jest.fn((batch: ReadonlyMap<string, StatusValues>) => {
      written.push(new Map(batch));
      return Promise.resolve();
    });
    const repository = { find, updateStatuses } as unknown as DevicesRepository;
    const config = { fleet: { statusWriteMs: STATUS_WRITE_INTERVAL_MS } } as AppConfig;
    book = new DeviceStatusBook(config, repository);
  });

  afterEach(async () => {
    await book.onModuleDestroy();
    jest.useRealTimers();
  });

  it('reads a device once, then knows it with every status taken', async () => {
    const a = await book.device('a');
    book.take(a!, { lastSeenAt: at(1), volume: 70 });
    expect(await book.device('a')).toMatchObject({ lastSeenAt: at(1), volume: 70 });
    expect(find).toHaveBeenCalledTimes(1);
    book.forget('a');
    // Read again, the statuses not written yet laid over the row.
    expect(await book.device('a')).toMatchObject({ lastSeenAt: at(1), volume: 70 });
    expect(find).toHaveBeenCalledTimes(2);
  });

  it("writes each device's last values in one batch after the interval, and shows them before", async () => {
    const a = (await book.device('a'))!;
    const b = (await book.device('b'))!;
    const afterA = book.take(a, { lastSeenAt: at(1), volume: 60 });
    book.take(afterA, { lastSeenAt: at(2), power: 'off' });
    book.take(b, { lastSeenAt: at(3) });
    expect(updateStatuses).not.toHaveBeenCalled();
    expect(book.current(device('a'))).toMatchObject({
      lastSeenAt: at(2),
      volume: 60,
      power: 'off',
    });

    await jest.advanceTimersByTimeAsync(STATUS_WRITE_INTERVAL_MS);
    expect(written).toEqual([
      new Map([
        ['a', { lastSeenAt: at(2), volume: 60, power: 'off' }],
        ['b', { lastSeenAt: at(3) }],
      ]),
    ]);
    // Written: the row alone is current.
    expect(book.current(device('b'))).toEqual(device('b'));
  });

  it('writes at once when asked, with whatever else waits, in one transaction', async () => {
    book.take((await book.device('a'))!, { lastSeenAt: at(1) });
    book.take((await book.device('b'))!, { state: 'offline' });
    book.writeSoon();
    book.take((await book.device('c'))!, { state: 'offline' });
    book.writeSoon();
    await jest.advanceTimersByTimeAsync(0);
    expect(written).toEqual([
      new Map<string, StatusValues>([
        ['a', { lastSeenAt: at(1) }],
        ['b', { state: 'offline' }],
        ['c', { state: 'offline' }],
      ]),
    ]);
  });

  it('keeps a batch that failed to write, under the values taken since, and writes it later', async () => {
    updateStatuses.mockRejectedValueOnce(new Error('SQLITE_BUSY'));
    const a = (await book.device('a'))!;
    book.take(a, { lastSeenAt: at(1), volume: 10 });
    await book.flush();
    book.take(a, { lastSeenAt: at(2) });
    expect(book.current(device('a'))).toMatchObject({ lastSeenAt: at(2), volume: 10 });
    await jest.advanceTimersByTimeAsync(STATUS_WRITE_INTERVAL_MS);
    expect(written).toEqual([new Map([['a', { lastSeenAt: at(2), volume: 10 }]])]);
  });

  it('lays a batch that committed during a read over the row that read returned', async () => {
    const a = (await book.device('a'))!;
    book.take(a, { lastSeenAt: at(5), state: 'online' });
    // A read of the database begins; the row it will return was read before the batch commits.
    const before = book.unwritten();
    const rowBeforeCommit = { ...device('a'), lastSeenAt: null, state: null };
    await book.flush();
    expect(written).toEqual([new Map([['a', { lastSeenAt: at(5), state: 'online' }]])]);
    // The book holds nothing any more: without `before` the stale row would be all there is.
    expect(book.current(rowBeforeCommit)).toMatchObject({ lastSeenAt: null, state: null });
    expect(book.current(rowBeforeCommit, before)).toMatchObject({
      lastSeenAt: at(5),
      state: 'online',
    });
    // A status taken after the read began still wins over what was waiting before it.
    book.take(a, { lastSeenAt: at(6), volume: 80 });
    expect(book.current(rowBeforeCommit, before)).toMatchObject({
      lastSeenAt: at(6),
      state: 'online',
      volume: 80,
    });
  });

  it('writes what is left when the application closes', async () => {
    book.take((await book.device('a'))!, { lastSeenAt: at(1) });
    await book.onModuleDestroy();
    expect(written).toEqual([new Map([['a', { lastSeenAt: at(1) }]])]);
  });
});
