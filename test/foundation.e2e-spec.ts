import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

describe('foundation (e2e)', () => {
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

  it('reports health of the database, Redis and ffmpeg', async () => {
    const response = await app.http().get('/api/v1/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      db: { status: 'up' },
      redis: { status: 'up' },
      ffmpeg: { status: 'up' },
    });
  });

  it('lists the 166 communes of Thanh Hóa, Phường Hạc Thành among them', async () => {
    const response = await app
      .http()
      .get('/api/v1/communes?province=38')
      .set(bearer(admin))
      .expect(200);
    const communes = response.body as {
      code: string;
      name: string;
      kind: string;
      provinceCode: string;
    }[];
    expect(communes).toHaveLength(166);
    expect(communes).toContainEqual({
      code: '14797',
      name: 'Phường Hạc Thành',
      kind: 'phuong',
      provinceCode: '38',
    });
    expect(communes.filter((commune) => commune.kind === 'xa')).toHaveLength(147);
    expect(communes.filter((commune) => commune.kind === 'phuong')).toHaveLength(19);
  });

  it('lists 34 provinces and 3,321 communes in all', async () => {
    const provinces = await app.http().get('/api/v1/provinces').set(bearer(admin)).expect(200);
    expect(provinces.body).toHaveLength(34);
    const communes = await app.http().get('/api/v1/communes').set(bearer(admin)).expect(200);
    expect(communes.body).toHaveLength(3321);
  });

  it('refuses a malformed or unknown province filter', async () => {
    const bad = await app.http().get('/api/v1/communes?province=3').set(bearer(admin)).expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const unknown = await app
      .http()
      .get('/api/v1/communes?province=99')
      .set(bearer(admin))
      .expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, code: 'PROVINCE_NOT_FOUND' });
  });

  it('serves the four required topics and the other themes of the letter', async () => {
    const response = await app.http().get('/api/v1/topics').set(bearer(admin)).expect(200);
    const codes = (response.body as { code: string; name: string }[]).map((topic) => topic.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'chinh-quyen-so',
        'kinh-te-so',
        'xa-hoi-so',
        'mo-hinh-2-cap',
        'ngay-cds-quoc-gia',
        'hoc-tap-so',
      ]),
    );
    expect(response.body).toContainEqual(
      expect.objectContaining({
        code: 'mo-hinh-2-cap',
        name: 'Mô hình chính quyền địa phương 2 cấp',
      }),
    );
  });

  it('serves the cds-2025 campaign with its targets', async () => {
    const response = await app
      .http()
      .get('/api/v1/campaigns/cds-2025')
      .set(bearer(admin))
      .expect(200);
    expect(response.body).toMatchObject({
      code: 'cds-2025',
      startsOn: '2025-10-01',
      endsOn: '2025-10-31',
      minDailySeconds: 300,
    });
    const topics = (response.body as { rules: { topic: string }[] }).rules
      .map((rule) => rule.topic)
      .sort();
    expect(topics).toEqual(['chinh-quyen-so', 'kinh-te-so', 'mo-hinh-2-cap', 'xa-hoi-so']);
    await app.http().get('/api/v1/campaigns/khong-co').set(bearer(admin)).expect(404);
  });

  it('reads JSON bodies up to the default 100 kB and answers 413 with a code past that', async () => {
    const big = await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({ code: 'lon', name: 'x', description: 'a'.repeat(90 * 1024) });
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const tooBig = await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({ code: 'qua-lon', name: 'x', description: 'a'.repeat(5 * 1024 * 1024) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'PAYLOAD_TOO_LARGE',
      limitBytes: 100 * 1024,
    });
  });

  it('serves the OpenAPI document', async () => {
    const response = await app.http().get('/api/docs-json').expect(200);
    expect(response.body).toMatchObject({ openapi: expect.any(String) });
    expect(Object.keys((response.body as { paths: object }).paths)).toContain('/api/v1/auth/login');
  });

  it('answers unknown routes and malformed JSON with a JSON problem', async () => {
    const missing = await app.http().get('/api/v1/khong-ton-tai').set(bearer(admin)).expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    const malformed = await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .set('Content-Type', 'application/json')
      .send('{"code": "x",')
      .expect(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('creates a campaign as a monitor and refuses bad ones', async () => {
    const monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-38',
      role: 'monitor',
      provinceCode: '38',
    });
    const campaign = {
      code: 'cds-2026',
      name: 'Tháng chuyển đổi số 2026',
      startsOn: '2026-10-01',
      endsOn: '2026-10-31',
      rules: [{ topic: 'kinh-te-so', minSecondsPerWeek: 300 }],
      minDailySeconds: 120,
    };
    const created = await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(monitor))
      .send(campaign)
      .expect(201);
    expect(created.body).toMatchObject(campaign);
    await app.http().post('/api/v1/campaigns').set(bearer(monitor)).send(campaign).expect(409);

    const bad: [object, number][] = [
      [{ ...campaign, code: 'Bad Code' }, 400],
      [{ ...campaign, code: 'c1', startsOn: '2026-02-30' }, 400],
      [{ ...campaign, code: 'c2', endsOn: '2026-09-01' }, 400],
      [{ ...campaign, code: 'c3', rules: [] }, 400],
      [{ ...campaign, code: 'c4', rules: [{ topic: 'kinh-te-so' }] }, 400],
      [{ ...campaign, code: 'c5', rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: -1 }] }, 400],
      [{ ...campaign, code: 'c6', rules: [{ topic: 'chu-de-la', minPlaysPerWeek: 2 }] }, 422],
      [
        {
          ...campaign,
          code: 'c7',
          rules: [
            { topic: 'kinh-te-so', minPlaysPerWeek: 2 },
            { topic: 'kinh-te-so', minPlaysPerWeek: 3 },
          ],
        },
        400,
      ],
      [{ ...campaign, code: 'c8', extra: true }, 400],
      [{ ...campaign, code: 'c9', minDailySeconds: 'nhiều' }, 400],
    ];
    for (const [body, status] of bad) {
      const response = await app.http().post('/api/v1/campaigns').set(bearer(monitor)).send(body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(response.body).toMatchObject({ statusCode: status, message: expect.anything() });
    }
    const list = await app.http().get('/api/v1/campaigns').set(bearer(admin)).expect(200);
    expect((list.body as { code: string }[]).map((c) => c.code).sort()).toEqual([
      'cds-2025',
      'cds-2026',
    ]);
  });

  it('lets an admin add and rename topics; nobody else', async () => {
    const operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-topic',
      role: 'operator',
      communeCode: '14797',
    });
    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(operator))
      .send({ code: 'an-ninh-mang', name: 'An ninh mạng' })
      .expect(403);
    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'an-ninh-mang', name: 'An ninh mạng' })
      .expect(201);
    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'an-ninh-mang', name: 'Trùng' })
      .expect(409);
    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'AN NINH', name: 'x' })
      .expect(400);
    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'abc', name: '' })
      .expect(400);
    const renamed = await app
      .http()
      .patch('/api/v1/topics/an-ninh-mang')
      .set(bearer(admin))
      .send({ name: 'An toàn, an ninh mạng' })
      .expect(200);
    expect(renamed.body).toMatchObject({ code: 'an-ninh-mang', name: 'An toàn, an ninh mạng' });
    await app
      .http()
      .patch('/api/v1/topics/khong-co')
      .set(bearer(admin))
      .send({ name: 'x' })
      .expect(404);
  });
});
