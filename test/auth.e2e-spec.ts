import { JwtService } from '@nestjs/jwt';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

describe('authentication, users and the audit trail (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    storage = await createTestStorage({
      LOGIN_USERNAME_FREE_FAILURES: '5',
      LOGIN_USERNAME_BASE_DELAY_SECONDS: '60',
    });
    app = await startTestApp(storage);
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('creates the first admin from ADMIN_USERNAME / ADMIN_PASSWORD', async () => {
    const me = await app.http().get('/api/v1/auth/me').set(bearer(admin)).expect(200);
    expect(me.body).toMatchObject({
      username: 'admin',
      role: 'admin',
      communeCode: null,
      provinceCode: null,
    });
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('answers 401 for a wrong password, an unknown user, and calls without a valid token', async () => {
    const wrong = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: 'sai-mat-khau' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'INVALID_CREDENTIALS',
    });
    await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'khong-co', password: 'x' })
      .expect(401);
    await app.http().get('/api/v1/topics').expect(401);
    await app.http().get('/api/v1/topics').set('Authorization', 'Bearer abc.def.ghi').expect(401);
    await app.http().get('/api/v1/topics').set('Authorization', 'Basic YWRtaW46eA==').expect(401);
  });

  it('refuses malformed login bodies with 400', async () => {
    for (const body of [
      {},
      { username: 'admin' },
      { username: 1, password: 'x' },
      { username: 'a', password: 'b', role: 'admin' },
    ]) {
      const response = await app.http().post('/api/v1/auth/login').send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
  });

  it('makes a username that keeps failing wait before its next attempt', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await app
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'bi-do-mat-khau', password: `x${attempt}` });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const throttled = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'bi-do-mat-khau', password: 'y' });
    expect(throttled.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'LOGIN_RATE_LIMITED',
    });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('manages users: admin only, with roles bound to their commune or province', async () => {
    const operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: '14797',
    });
    const me = await app.http().get('/api/v1/auth/me').set(bearer(operator)).expect(200);
    expect(me.body).toMatchObject({ role: 'operator', communeCode: '14797', provinceCode: '38' });
    await app.http().get('/api/v1/users').set(bearer(operator)).expect(403);
    await app
      .http()
      .post('/api/v1/users')
      .set(bearer(operator))
      .send({ username: 'x-user', password: 'password1', role: 'admin' })
      .expect(403);

    const bad: object[] = [
      { username: 'ab', password: 'password1', role: 'operator', communeCode: '14797' },
      { username: 'Hoa-Hong', password: 'password1', role: 'operator', communeCode: '14797' },
      { username: 'ngan-mk', password: 'short', role: 'operator', communeCode: '14797' },
      { username: 'vai-tro-la', password: 'password1', role: 'superuser' },
      { username: 'thieu-xa', password: 'password1', role: 'operator' },
      { username: 'xa-sai', password: 'password1', role: 'operator', communeCode: '123' },
      { username: 'giam-sat-thieu', password: 'password1', role: 'monitor' },
      {
        username: 'giam-sat-xa',
        password: 'password1',
        role: 'monitor',
        provinceCode: '38',
        communeCode: '14797',
      },
      { username: 'admin-co-xa', password: 'password1', role: 'admin', communeCode: '14797' },
      {
        username: 'sai-tinh',
        password: 'password1',
        role: 'operator',
        communeCode: '14797',
        provinceCode: '01',
      },
      { username: 'thua-truong', password: 'password1', role: 'admin', extra: 1 },
    ];
    for (const body of bad) {
      const response = await app.http().post('/api/v1/users').set(bearer(admin)).send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    const unknownCommune = await app.http().post('/api/v1/users').set(bearer(admin)).send({
      username: 'xa-khong-co',
      password: 'password1',
      role: 'operator',
      communeCode: '99999',
    });
    expect(unknownCommune.status).toBe(404);
    const taken = await app.http().post('/api/v1/users').set(bearer(admin)).send({
      username: 'van-hanh-hac-thanh',
      password: 'password1',
      role: 'operator',
      communeCode: '14797',
    });
    expect(taken.status).toBe(409);

    const list = await app.http().get('/api/v1/users?commune=14797').set(bearer(admin)).expect(200);
    expect((list.body as { username: string }[]).map((user) => user.username)).toEqual([
      'van-hanh-hac-thanh',
    ]);
    await app.http().get('/api/v1/users/not-a-uuid').set(bearer(admin)).expect(400);
    await app
      .http()
      .get('/api/v1/users/00000000-0000-4000-8000-000000000000')
      .set(bearer(admin))
      .expect(404);
  });

  it('revokes tokens when a user is disabled or their password changes', async () => {
    const token = await createUserAndLogin(app, admin, {
      username: 'phe-duyet-1',
      role: 'approver',
      communeCode: '14797',
    });
    const users = await app
      .http()
      .get('/api/v1/users?role=approver')
      .set(bearer(admin))
      .expect(200);
    const id = (users.body as { id: string; username: string }[]).find(
      (user) => user.username === 'phe-duyet-1',
    )!.id;
    await app.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
    await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ disabled: true })
      .expect(200);
    // The token's holder is told why it no longer works.
    const locked = await app.http().get('/api/v1/auth/me').set(bearer(token)).expect(401);
    expect(locked.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'account-disabled' });
    // With its password, the account's holder learns it is disabled; without, nobody does.
    const disabled = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'phe-duyet-1', password: 'phe-duyet-1-password' })
      .expect(403);
    expect(disabled.body).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    const guessed = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'phe-duyet-1', password: 'doan-mo-mat-khau' })
      .expect(401);
    expect(guessed.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ disabled: false, password: 'mat-khau-moi-1' })
      .expect(200);
    await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'phe-duyet-1', password: 'phe-duyet-1-password' })
      .expect(401);
    const renewed = await app.login('phe-duyet-1', 'mat-khau-moi-1');
    await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ password: 'mat-khau-moi-2' })
      .expect(200);
    const changed = await app.http().get('/api/v1/auth/me').set(bearer(renewed)).expect(401);
    expect(changed.body).toMatchObject({ reason: 'credentials-changed' });
    await app.login('phe-duyet-1', 'mat-khau-moi-2');
    await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ role: 'monitor' })
      .expect(400);
    const moved = await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ role: 'monitor', provinceCode: '38' })
      .expect(200);
    expect(moved.body).toMatchObject({ role: 'monitor', provinceCode: '38', communeCode: null });
  });

  it('refuses a password of white space only, at creation and at a change, and keeps a real one as typed', async () => {
    const blank = await app
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        username: 'mat-khau-trang',
        password: ' '.repeat(8),
        role: 'operator',
        communeCode: '14797',
      });
    expect([blank.status, blank.body.code, blank.body.message]).toEqual([
      400,
      'VALIDATION_FAILED',
      expect.stringContaining('password must not be blank or only white space'),
    ]);
    const none = await app.http().get('/api/v1/users?commune=14797').set(bearer(admin)).expect(200);
    expect((none.body as { username: string }[]).map((user) => user.username)).not.toContain(
      'mat-khau-trang',
    );

    // Spaces around a real password are part of it: login takes it exactly as typed.
    const created = await app
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        username: 'mat-khau-cach',
        password: '  mat khau dai  ',
        role: 'operator',
        communeCode: '14797',
      })
      .expect(201);
    const token = await app.login('mat-khau-cach', '  mat khau dai  ');
    await app
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'mat-khau-cach', password: 'mat khau dai' })
      .expect(401);

    for (const password of ['\t'.repeat(10), '\u00a0'.repeat(8)]) {
      const changed = await app
        .http()
        .patch(`/api/v1/users/${(created.body as { id: string }).id}`)
        .set(bearer(admin))
        .send({ password });
      expect([changed.status, changed.body.message]).toEqual([
        400,
        expect.stringContaining('password must not be blank or only white space'),
      ]);
    }
    // Nothing changed: the old password and the holder's token still work.
    await app.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
    await app.login('mat-khau-cach', '  mat khau dai  ');
  });

  it('refuses an expired token', async () => {
    const me = await app.http().get('/api/v1/auth/me').set(bearer(admin)).expect(200);
    const jwt = app.app.get(JwtService);
    const expired = await jwt.signAsync(
      { sub: (me.body as { id: string }).id, ver: 0 },
      { expiresIn: -10 },
    );
    const response = await app.http().get('/api/v1/auth/me').set(bearer(expired)).expect(401);
    expect(response.body).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Invalid or expired token',
    });
    const fresh = await jwt.signAsync({ sub: (me.body as { id: string }).id, ver: 0 });
    await app.http().get('/api/v1/auth/me').set(bearer(fresh)).expect(200);
  });

  it("clears a user's display name and a topic's description with null or an empty string", async () => {
    const created = await app
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        username: 'co-ten',
        password: 'mat-khau-dai',
        role: 'operator',
        communeCode: '14797',
        displayName: '  Nguyễn Thị Tên  ',
      })
      .expect(201);
    const user = created.body as { id: string; displayName: string | null };
    expect(user.displayName).toBe('Nguyễn Thị Tên');
    for (const cleared of [null, '', '   ']) {
      await app
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set(bearer(admin))
        .send({ displayName: 'Tên cũ' })
        .expect(200);
      const answer = await app
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set(bearer(admin))
        .send({ displayName: cleared })
        .expect(200);
      expect((answer.body as { displayName: string | null }).displayName).toBeNull();
    }
    // Left out, it stays.
    await app
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin))
      .send({ displayName: 'Tên mới' })
      .expect(200);
    const kept = await app
      .http()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin))
      .send({ role: 'approver', communeCode: '14797' })
      .expect(200);
    expect((kept.body as { displayName: string | null }).displayName).toBe('Tên mới');

    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'co-mo-ta', name: 'Có mô tả', description: 'Sẽ bị xoá' })
      .expect(201);
    for (const cleared of [null, '']) {
      await app
        .http()
        .patch('/api/v1/topics/co-mo-ta')
        .set(bearer(admin))
        .send({ description: 'Sẽ bị xoá' })
        .expect(200);
      const topic = await app
        .http()
        .patch('/api/v1/topics/co-mo-ta')
        .set(bearer(admin))
        .send({ description: cleared })
        .expect(200);
      expect((topic.body as { description: string | null }).description).toBeNull();
    }
    // The web app creates a topic without a description by sending null: none, as on an edit.
    const without = await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'khong-mo-ta', name: 'Không mô tả', description: null })
      .expect(201);
    expect((without.body as { description: string | null }).description).toBeNull();
    // A name, which a topic cannot be without, is never null.
    const noName = await app
      .http()
      .patch('/api/v1/topics/co-mo-ta')
      .set(bearer(admin))
      .send({ name: null })
      .expect(400);
    expect(noName.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'name may be left out, but not null',
    });
  });

  it('keeps the last admin and refuses self-deletion', async () => {
    const me = await app.http().get('/api/v1/auth/me').set(bearer(admin)).expect(200);
    const id = (me.body as { id: string }).id;
    const selfDelete = await app
      .http()
      .delete(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .expect(409);
    expect(selfDelete.body).toMatchObject({
      code: 'USER_SELF_DELETE',
      message: 'An admin cannot delete their own account',
    });
    const disabled = await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ disabled: true })
      .expect(409);
    expect(disabled.body).toMatchObject({
      code: 'USER_LAST_ADMIN',
      message: 'The last active admin cannot be removed, disabled or demoted',
    });
    const demoted = await app
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ role: 'monitor', provinceCode: '38' })
      .expect(409);
    expect(demoted.body).toMatchObject({ code: 'USER_LAST_ADMIN' });
  });

  it('records logins (failed too), user changes and deletions in the audit trail', async () => {
    const deletedToken = await createUserAndLogin(app, admin, {
      username: 'se-bi-xoa',
      role: 'operator',
      communeCode: '14797',
    });
    const users = await app
      .http()
      .get('/api/v1/users?commune=14797')
      .set(bearer(admin))
      .expect(200);
    const id = (users.body as { id: string; username: string }[]).find(
      (user) => user.username === 'se-bi-xoa',
    )!.id;
    await app.http().delete(`/api/v1/users/${id}`).set(bearer(admin)).expect(204);
    await app.http().delete(`/api/v1/users/${id}`).set(bearer(admin)).expect(404);
    const gone = await app.http().get('/api/v1/auth/me').set(bearer(deletedToken)).expect(401);
    expect(gone.body).toMatchObject({ reason: 'account-deleted' });

    const audit = await app.http().get('/api/v1/audit?limit=1000').set(bearer(admin)).expect(200);
    const events = audit.body as {
      action: string;
      actorUsername: string | null;
      targetId: string | null;
      detail: unknown;
    }[];
    const actions = new Set(events.map((event) => event.action));
    for (const action of [
      'login.succeeded',
      'login.failed',
      'user.created',
      'user.updated',
      'user.deleted',
    ]) {
      expect(actions).toContain(action);
    }
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'user.deleted', targetId: id, actorUsername: 'admin' }),
    );
    // Where it happened is named as a person reads it: the commune and its province.
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'user.created',
        targetId: id,
        communeCode: '14797',
        communeName: 'Phường Hạc Thành',
        provinceName: 'Tỉnh Thanh Hóa',
      }),
    );
    expect(events.find((event) => event.action === 'login.failed')).toMatchObject({
      communeName: null,
      provinceName: null,
    });
    // Failed logins are aggregated per address and window (test/security-login covers it).
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'login.failed',
        detail: expect.objectContaining({
          usernames: expect.arrayContaining(['khong-co', 'admin']) as unknown,
          reasons: expect.objectContaining({
            'unknown-user': expect.any(Number) as unknown,
          }) as unknown,
        }) as unknown,
      }),
    );
    const failedOnly = await app
      .http()
      .get('/api/v1/audit?action=login.failed')
      .set(bearer(admin))
      .expect(200);
    expect(
      (failedOnly.body as { action: string }[]).every((event) => event.action === 'login.failed'),
    ).toBe(true);
    await app.http().get('/api/v1/audit?action=hack').set(bearer(admin)).expect(400);
    await app.http().get('/api/v1/audit?limit=0').set(bearer(admin)).expect(400);
  });
});
