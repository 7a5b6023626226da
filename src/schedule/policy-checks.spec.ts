import { DataSource, EntityManager } from 'typeorm';
import { loadConfig } from '../config/load-config';
import * as bulkInsert from '../database/bulk-insert';
import { dataSourceOptions } from '../database/data-source-options';
import { GeoService } from '../geo/geo.service';
import { BroadcastPolicyRecord } from './entities/broadcast-policy.entity';
import { itemViolations, KindedItem, PolicyChecks, saveRefusal } from './policy-checks';

let database: DataSource;

beforeAll(async () => {
  // A real SQLite database in memory, migrated: the policies are read with plain SQL.
  database = new DataSource(dataSourceOptions({ driver: 'sqlite', file: ':memory:' }));
  await database.initialize();
});

afterAll(async () => {
  await database.destroy();
});

/**
 * PolicyChecks over a database holding these policy rows (and only these), and the statements
 * it reads them with.
 */
async function setup(rows: Pick<BroadcastPolicyRecord, 'scope' | 'code' | 'rules'>[]) {
  await database.getRepository(BroadcastPolicyRecord).clear();
  await database
    .getRepository(BroadcastPolicyRecord)
    .insert(rows.map((row) => ({ ...row, updatedBy: null, updatedAt: new Date() })));
  const manager: EntityManager = database.manager;
  const reads = jest.spyOn(bulkInsert, 'selectRows');
  reads.mockClear();
  const geo = {
    commune: (code: string) => ({ code, provinceCode: code === '00004' ? '01' : '38' }),
  } as unknown as GeoService;
  const checks = new PolicyChecks(loadConfig({}), geo);
  return { checks, manager, reads };
}

afterEach(() => jest.restoreAllMocks());

describe('PolicyChecks.forCommune', () => {
  it("reads the province's and the commune's overrides in one query", async () => {
    const { checks, manager, reads } = await setup([
      { scope: 'province', code: '38', rules: { maxDailyMinutes: 120, maxSessionMinutes: 45 } },
      { scope: 'commune', code: '14797', rules: { maxDailyMinutes: 90 } },
      { scope: 'commune', code: '14800', rules: { maxSessionMinutes: 10 } },
    ]);
    const policy = await checks.forCommune(manager, '14797');
    expect(reads).toHaveBeenCalledTimes(1);
    expect(policy.maxDailyMinutes).toBe(90);
    expect(policy.maxSessionMinutes).toBe(45);
    expect(policy.sources).toMatchObject({
      maxDailyMinutes: 'commune',
      maxSessionMinutes: 'province',
      quietHours: 'default',
    });
  });

  it('falls back to the defaults when neither has set anything', async () => {
    const { checks, manager } = await setup([]);
    const policy = await checks.forCommune(manager, '14797');
    expect(policy.maxDailyMinutes).toBe(240);
    expect(Object.values(policy.sources).every((source) => source === 'default')).toBe(true);
  });
});

describe('PolicyChecks.forCommunes', () => {
  it("gives each commune its own and its province's overrides, in one query", async () => {
    const { checks, manager, reads } = await setup([
      { scope: 'province', code: '38', rules: { maxDailyMinutes: 120, maxSessionMinutes: 45 } },
      { scope: 'province', code: '01', rules: { maxSessionMinutes: 20 } },
      { scope: 'commune', code: '14797', rules: { maxDailyMinutes: 90 } },
      { scope: 'commune', code: '14800', rules: { maxSessionMinutes: 10 } },
    ]);
    const policies = await checks.forCommunes(manager, ['14797', '14800', '14812', '00004']);
    expect(reads).toHaveBeenCalledTimes(1);
    const rule = (code: string) => {
      const policy = policies.get(code)!;
      return [policy.maxDailyMinutes, policy.maxSessionMinutes];
    };
    expect(rule('14797')).toEqual([90, 45]);
    expect(rule('14800')).toEqual([120, 10]);
    expect(rule('14812')).toEqual([120, 45]);
    expect(rule('00004')).toEqual([240, 20]);
  });
});

describe('itemViolations', () => {
  const policy = { ...loadConfig({}).policyDefaults, quietHours: null, maxDailyMinutes: 1 };
  const now = new Date('2025-10-07T09:00:00+07:00');
  const item = (
    id: string,
    time: string,
    seconds: number,
    extra: Partial<KindedItem> = {},
  ): KindedItem => {
    const startsAt = new Date(`2025-10-07T${time}+07:00`);
    return {
      id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + seconds * 1000),
      status: 'planned',
      source: 'manual',
      kind: 'bulletin',
      ...extra,
    };
  };

  it('counts neither live speech nor an emergency toward the daily limit, as the player does', () => {
    const violations = itemViolations(
      policy,
      [],
      [
        item('a-live', '08:00:00', 60, { source: 'live', status: 'aired' }),
        item('b-storm', '08:30:00', 60, { source: 'emergency', kind: 'emergency' }),
        item('c-bulletin', '17:00:00', 40),
      ],
      now,
    );
    expect(violations.size).toBe(0);
  });

  it('flags the item past the limit of what it counts', () => {
    const violations = itemViolations(
      policy,
      [],
      [
        item('a-live', '08:00:00', 60, { source: 'live', status: 'aired' }),
        item('c-bulletin', '17:00:00', 40),
        item('d-bulletin', '17:05:00', 30),
      ],
      now,
    );
    expect([...violations.keys()]).toEqual(['d-bulletin']);
    expect(violations.get('d-bulletin')).toMatchObject({
      rule: 'POLICY_DAILY_LIMIT',
      messageVi: expect.stringContaining('tổng thời lượng phát trong ngày là 1,2 phút'),
    });
  });

  it('counts nothing of an item the player will refuse: the items after it keep the room', () => {
    const quiet = { ...policy, quietHours: { from: '21:30', to: '05:30' } };
    const violations = itemViolations(
      quiet,
      [],
      [
        // 40 s in the quiet hours: refused, failed, never on air.
        item('a-night', '05:00:00', 40),
        // 30 s: a minute with the night's 40 s, well under it alone.
        item('b-bulletin', '17:00:00', 30),
        // 70 s: past the limit on its own; refused, it leaves the last 30 s their room.
        item('c-long', '17:05:00', 70),
        item('d-bulletin', '17:10:00', 30),
        // Past the limit with b and d (90 s): refused for the limit itself.
        item('e-bulletin', '17:15:00', 1),
      ],
      new Date('2025-10-07T04:00:00+07:00'),
    );
    expect([...violations.entries()].map(([id, { rule }]) => [id, rule])).toEqual([
      ['a-night', 'POLICY_QUIET_HOURS'],
      ['c-long', 'POLICY_DAILY_LIMIT'],
      ['e-bulletin', 'POLICY_DAILY_LIMIT'],
    ]);
    expect(violations.get('e-bulletin')?.messageVi).toContain(
      'tổng thời lượng phát trong ngày là 1 phút',
    );
  });

  it('still counts an item that is past judging (aired) whatever the policy says now', () => {
    const violations = itemViolations(
      policy,
      [],
      [
        // 70 s aired before the limit was lowered to a minute: it went on air, it counts.
        item('a-aired', '08:00:00', 70, { status: 'aired' }),
        item('b-bulletin', '17:00:00', 10),
      ],
      now,
    );
    expect([...violations.keys()]).toEqual(['b-bulletin']);
  });
});

describe('saveRefusal', () => {
  const policy = {
    ...loadConfig({}).policyDefaults,
    quietHours: { from: '21:30', to: '05:30' },
    maxDailyMinutes: 1,
  };
  const now = new Date('2025-10-07T04:00:00+07:00');
  const item = (id: string, time: string, seconds: number): KindedItem => {
    const startsAt = new Date(`2025-10-07T${time}+07:00`);
    return {
      id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + seconds * 1000),
      status: 'planned',
      source: 'manual',
      kind: 'bulletin',
    };
  };
  // 40 s left in the quiet hours (they were moved after it was saved): the player refuses it.
  const night = item('a-night', '05:00:00', 40);

  it('saves an item within the limit but for an item the player will refuse', () => {
    // 30 s + 30 s: a minute, within the limit; with the night's 40 s it would pass it.
    const saved = saveRefusal(
      policy,
      [],
      [night, item('b-bulletin', '17:00:00', 30)],
      item('c-new', '17:05:00', 30),
      now,
    );
    expect(saved).toBeNull();
  });

  it('refuses an item that takes a later item past the limit, naming that item', () => {
    const later = item('c-bulletin', '17:05:00', 30);
    const refusal = saveRefusal(
      policy,
      [],
      [night, item('b-bulletin', '08:00:00', 30), later],
      item('d-new', '09:00:00', 20),
      now,
    );
    expect(refusal?.pushed).toBe(later);
    expect(refusal?.violation).toEqual({
      rule: 'POLICY_DAILY_LIMIT',
      message:
        'With the item (2025-10-07T09:00:00.000+07:00 – 2025-10-07T09:00:20.000+07:00) the later item (2025-10-07T17:05:00.000+07:00 – 2025-10-07T17:05:30.000+07:00) would pass the daily limit of 1 min and be refused',
      messageVi:
        'Thêm mục phát 09:00–09:00:20 ngày 07/10/2025 thì mục phát 17:05–17:05:30 cùng ngày sẽ vượt giới hạn 1 phút một ngày và không được phát',
    });
  });

  it('refuses an item past the limit itself with its own rule, as before', () => {
    const refusal = saveRefusal(
      policy,
      [],
      [night, item('b-bulletin', '08:00:00', 30), item('c-bulletin', '17:05:00', 20)],
      item('d-new', '17:10:00', 20),
      now,
    );
    expect(refusal).toEqual({
      violation: expect.objectContaining({
        rule: 'POLICY_DAILY_LIMIT',
        messageVi:
          'Thêm mục phát 17:10–17:10:20 ngày 07/10/2025 thì tổng thời lượng phát trong ngày là 1,2 phút, quá giới hạn 1 phút một ngày',
      }),
    });
  });

  it('does not hold against the save an item already past the limit without it', () => {
    const refusal = saveRefusal(
      policy,
      [],
      // 70 s: past the limit alone, refused with or without the new item.
      [item('b-long', '17:00:00', 70), item('c-bulletin', '17:05:00', 30)],
      item('d-new', '08:00:00', 30),
      now,
    );
    expect(refusal).toBeNull();
  });

  it('does not hold against a move an item its old time already took past the limit', () => {
    // 40 s at 08:00 leaves 20 s of the minute: the 30 s at 17:05 is refused already.
    const moved = item('b-bulletin', '08:00:00', 40);
    const refusal = saveRefusal(
      policy,
      [],
      [moved, item('c-bulletin', '17:05:00', 30)],
      {
        ...moved,
        startsAt: new Date('2025-10-07T09:00:00+07:00'),
        endsAt: new Date('2025-10-07T09:00:40+07:00'),
      },
      now,
    );
    expect(refusal).toBeNull();
  });

  it('judges a moved item at its new time, not against itself at the old one', () => {
    const moved = item('b-bulletin', '08:00:00', 40);
    const refusal = saveRefusal(
      policy,
      [],
      [moved, item('c-bulletin', '17:05:00', 20)],
      {
        ...moved,
        startsAt: new Date('2025-10-07T09:00:00+07:00'),
        endsAt: new Date('2025-10-07T09:00:40+07:00'),
      },
      now,
    );
    expect(refusal).toBeNull();
  });
});
