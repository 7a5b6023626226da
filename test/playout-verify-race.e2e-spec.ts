import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const COMMUNE = '14797';
const APPENDS = 40;

jest.setTimeout(120000);

/**
 * A chain being appended to while it is verified is not broken: `verify` must never answer
 * "broken" for records that were simply arriving, or a monitor would see tampering where there
 * is none (the reports keep the last verdict of every commune).
 */
describe('verify while records are appended (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage);
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('answers ok, with a count between the records before and after, during concurrent appends', async () => {
    const append = (index: number) => {
      const start = Date.parse('2025-10-06T00:00:00Z') + index * 300000;
      return app
        .http()
        .post(`/api/v1/communes/${COMMUNE}/playout-log`)
        .set(bearer(admin))
        .send({
          outcome: 'aired',
          title: `Bản tin chuyển đổi số số ${index + 1}`,
          topics: ['chinh-quyen-so'],
          startedAt: new Date(start).toISOString(),
          endedAt: new Date(start + 60000).toISOString(),
        })
        .expect(201);
    };
    const verify = async () =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/playout-log/verify`)
          .set(bearer(admin))
          .expect(200)
      ).body as { ok: boolean; count?: number; brokenAtSeq?: number };

    await append(0);
    let appending = true;
    const verdicts: { ok: boolean; count?: number; brokenAtSeq?: number }[] = [];
    const verifier = (async () => {
      while (appending) verdicts.push(await verify());
    })();
    // Appends in waves of four at once, so some are always in flight while verify reads.
    for (let index = 1; index < APPENDS; index += 4) {
      await Promise.all(
        [0, 1, 2, 3].filter((k) => index + k < APPENDS).map((k) => append(index + k)),
      );
    }
    appending = false;
    await verifier;

    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    const counts = verdicts.map((verdict) => verdict.count ?? 0);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(APPENDS);
    expect(await verify()).toEqual({ ok: true, count: APPENDS });
  });
});
