import { ManualClock } from '../src/common/manual-clock';
import { seedReadyAudio } from './support/audio-fixtures';
import { Actors, createActors, HAC_THANH, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(60000);

/**
 * Control characters and bidirectional controls in a user's text: refused at the edge, so that no
 * title or name reaches the CSV, XLSX and calendar exports with a NUL, a BEL or a U+202E that
 * reverses what every view shows.
 */
describe('control characters in user text (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const post = (path: string, body: object) =>
    app.http().post(`/api/v1${path}`).set(bearer(who.operator)).send(body);
  const list = async (path: string): Promise<Record<string, unknown>[]> =>
    (await app.http().get(`/api/v1${path}`).set(bearer(who.operator)).expect(200)).body as Record<
      string,
      unknown
    >[];

  const refusal = (response: { status: number; body: { code?: string; message?: string } }) => [
    response.status,
    response.body.code,
    response.body.message,
  ];

  it("refuses the tester's bulletin title, window name and cluster name, and writes nothing", async () => {
    const audioId = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 60_000,
    });
    const bulletin = await post(`/communes/${HAC_THANH}/bulletins`, {
      title: 'Tin\u0000 lạ\u0007 \u202ecba',
      topics: ['kinh-te-so'],
      audioId,
    });
    expect(refusal(bulletin)).toEqual([
      400,
      'VALIDATION_FAILED',
      'title must be one line without control characters or bidirectional controls',
    ]);
    const window = await post(`/communes/${HAC_THANH}/windows`, {
      name: '\u0000\u0007 Tối\u202e',
      daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
      startTime: '19:00',
      durationMinutes: 30,
    });
    expect(refusal(window)).toEqual([
      400,
      'VALIDATION_FAILED',
      'name must be one line without control characters or bidirectional controls',
    ]);
    const cluster = await post(`/communes/${HAC_THANH}/devices`, { name: 'Cụm\u0000 loa\b lạ' });
    expect(refusal(cluster)).toEqual([
      400,
      'VALIDATION_FAILED',
      'name must be one line without control characters or bidirectional controls',
    ]);

    expect(await list(`/communes/${HAC_THANH}/bulletins`)).toEqual([]);
    expect(await list(`/communes/${HAC_THANH}/windows`)).toEqual([]);
    expect(await list(`/communes/${HAC_THANH}/devices`)).toEqual([]);
  });

  it("takes a bulletin body's line breaks and tabs, but not its control characters", async () => {
    const audioId = await seedReadyAudio(app, {
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 60_000,
    });
    const bell = await post(`/communes/${HAC_THANH}/bulletins`, {
      title: 'Lịch tiêm chủng',
      topics: ['kinh-te-so'],
      audioId,
      body: 'Thôn 1:\u0007 sáng thứ Hai',
    });
    expect(refusal(bell)).toEqual([
      400,
      'VALIDATION_FAILED',
      'body must not contain control characters (line breaks and tabs aside) or bidirectional controls',
    ]);
    const created = await post(`/communes/${HAC_THANH}/bulletins`, {
      title: 'Lịch tiêm chủng',
      topics: ['kinh-te-so'],
      audioId,
      body: 'Thôn 1:\tsáng thứ Hai\r\nThôn 2:\tchiều thứ Hai',
    }).expect(201);
    expect(created.body).toMatchObject({
      title: 'Lịch tiêm chủng',
      body: 'Thôn 1:\tsáng thứ Hai\r\nThôn 2:\tchiều thứ Hai',
    });
    const titles = (await list(`/communes/${HAC_THANH}/bulletins`)).map((item) => item.title);
    expect(titles).toEqual(['Lịch tiêm chủng']);
  });
});
