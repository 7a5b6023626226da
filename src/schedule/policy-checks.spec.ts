import { EntityManager } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { GeoService } from '../geo/geo.service';
import { BroadcastPolicyRecord } from './entities/broadcast-policy.entity';
import { PolicyChecks } from './policy-checks';

/** PolicyChecks over a manager holding these policy rows; `find` is its only way in. */
function setup(rows: Pick<BroadcastPolicyRecord, 'scope' | 'code' | 'rules'>[]) {
  const find = jest.fn((_entity: unknown, options: { where: { scope: string; code: string }[] }) =>
    Promise.resolve(
      rows.filter((row) =>
        options.where.some((where) => where.scope === row.scope && where.code === row.code),
      ),
    ),
  );
  const manager = { find } as unknown as EntityManager;
  const geo = { commune: () => ({ code: '14797', provinceCode: '38' }) } as unknown as GeoService;
  const checks = new PolicyChecks(loadConfig({}), geo);
  return { checks, manager, find };
}

describe('PolicyChecks.forCommune', () => {
  it("reads the province's and the commune's overrides in one query", async () => {
    const { checks, manager, find } = setup([
      { scope: 'province', code: '38', rules: { maxDailyMinutes: 120, maxSessionMinutes: 45 } },
      { scope: 'commune', code: '14797', rules: { maxDailyMinutes: 90 } },
      { scope: 'commune', code: '14800', rules: { maxSessionMinutes: 10 } },
    ]);
    const policy = await checks.forCommune(manager, '14797');
    expect(find).toHaveBeenCalledTimes(1);
    expect(policy.maxDailyMinutes).toBe(90);
    expect(policy.maxSessionMinutes).toBe(45);
    expect(policy.sources).toMatchObject({
      maxDailyMinutes: 'commune',
      maxSessionMinutes: 'province',
      quietHours: 'default',
    });
  });

  it('falls back to the defaults when neither has set anything', async () => {
    const { checks, manager } = setup([]);
    const policy = await checks.forCommune(manager, '14797');
    expect(policy.maxDailyMinutes).toBe(240);
    expect(Object.values(policy.sources).every((source) => source === 'default')).toBe(true);
  });
});
