import { Db } from '../src/database/db.service';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Communes of Thanh Hóa (38). */
const COMMUNES = ['14797', '14758', '14812', '14818'];
const PER_COMMUNE = 10;

jest.setTimeout(60000);

interface Answer {
  status: number;
  body: { id?: string; seq?: number; code?: string; overlapsSeq?: number };
  replayed: boolean;
}

/**
 * A minute-long `aired` record of `slot` (two minutes apart) from 08:00 on 2025-10-01 local,
 * outside the default quiet hours.
 */
function record(slot: number, offsetMs = 0, topics = ['chinh-quyen-so']): object {
  const startedAt = new Date(
    Date.parse('2025-10-01T08:00:00.000+07:00') + slot * 120_000 + offsetMs,
  );
  return {
    outcome: 'aired',
    title: 'Bản tin chuyển đổi số',
    topics,
    startedAt: startedAt.toISOString(),
    endedAt: new Date(startedAt.getTime() + 60_000).toISOString(),
  };
}

describe('single as-run posts committed together (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;

  const post = async (commune: string, body: object, key?: string): Promise<Answer> => {
    const request = app
      .http()
      .post(`/api/v1/communes/${commune}/playout-log`)
      .set(bearer(admin))
      .send(body);
    const response = await (key ? request.set('Idempotency-Key', key) : request);
    return {
      status: response.status,
      body: response.body as Answer['body'],
      replayed: response.headers['idempotent-replayed'] === 'true',
    };
  };
  const verify = async (commune: string) =>
    (
      await app
        .http()
        .get(`/api/v1/communes/${commune}/playout-log/verify`)
        .set(bearer(admin))
        .expect(200)
    ).body as { ok: boolean; count?: number };

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, { APP_ROLES: 'api' });
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('commits a burst from many communes in few transactions, each post answered as if alone', async () => {
    const writes = jest.spyOn(app.app.get(Db), 'write');
    const [a, b, c] = COMMUNES;
    const burst: Promise<Answer>[] = [];
    for (let slot = 0; slot < PER_COMMUNE; slot += 1) {
      for (const commune of COMMUNES) burst.push(post(commune, record(slot), `${commune}-${slot}`));
    }
    // The same post twice: one creates, the other is its replay.
    const replay = post(a, record(0), `${a}-0`);
    // The key of another post with other content: refused, whichever comes second.
    const conflict = post(b, record(PER_COMMUNE), `${b}-1`);
    // Half a minute into another post of the burst: one of the two overlaps the other.
    const overlapping = post(c, record(3, 30_000));
    const unknownTopic = post(a, record(PER_COMMUNE + 1, 0, ['khong-co-chu-de-nay']));
    const answers = await Promise.all(burst);
    const [replayed, conflicted, overlapped, unknown] = await Promise.all([
      replay,
      conflict,
      overlapping,
      unknownTopic,
    ]);

    const posts = burst.length + 4;
    expect(writes.mock.calls.length).toBeLessThan(posts / 2);
    writes.mockRestore();

    const first = answers[0];
    expect([first.status, replayed.status]).toEqual([201, 201]);
    expect(replayed.body.id).toBe(first.body.id);
    expect([first.replayed, replayed.replayed].sort()).toEqual([false, true]);

    const keyOwner = answers[1 * COMMUNES.length + 1];
    const keyPair = [keyOwner, conflicted];
    expect(keyPair.filter((answer) => answer.status === 201)).toHaveLength(1);
    const loser = keyPair.find((answer) => answer.status !== 201)!;
    const winner = keyPair.find((answer) => answer.status === 201)!;
    expect(loser).toMatchObject({
      status: 409,
      body: { code: 'IDEMPOTENCY_CONFLICT', seq: winner.body.seq },
    });

    const overlappedOwner = answers[3 * COMMUNES.length + 2];
    const overlapPair = [overlappedOwner, overlapped];
    const placed = overlapPair.find((answer) => answer.status === 201)!;
    const refused = overlapPair.find((answer) => answer.status !== 201)!;
    expect(refused).toMatchObject({
      status: 409,
      body: { code: 'PLAYOUT_OVERLAP', overlapsSeq: placed.body.seq },
    });
    expect(unknown).toMatchObject({ status: 422, body: { code: 'TOPIC_UNKNOWN' } });

    // Of each refused pair one record is stored: every commune holds its ten, chained.
    for (const commune of COMMUNES) {
      expect(await verify(commune)).toEqual({ ok: true, count: PER_COMMUNE });
    }
  });

  it('takes one of two corrections of the same record sent together, and refuses the other', async () => {
    const commune = COMMUNES[3];
    const missed = {
      outcome: 'missed',
      title: 'Bản tin chuyển đổi số',
      topics: ['chinh-quyen-so'],
      startedAt: '2025-10-01T08:00:00.000+07:00',
      correctsSeq: 1,
    };
    const answers = await Promise.all([
      post(commune, { ...missed, reason: 'Mất điện, ghi nhầm' }),
      post(commune, { ...missed, reason: 'Loa hỏng, ghi nhầm' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.code).toBe(
      'PLAYOUT_ALREADY_CORRECTED',
    );
    expect((await verify(commune)).ok).toBe(true);
  });
});
