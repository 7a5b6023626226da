import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { TokenService } from '../src/auth/token.service';
import { ManualClock } from '../src/common/manual-clock';
import { startServiceProcess } from './support/service-process';
import { freePort } from './support/services';
import { UsersService } from '../src/users/users.service';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Issue 12, finding 4 (password spraying, login cost) and the JWT parts of finding 9. */

interface AuditRow {
  action: string;
  actorUsername: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

async function auditRows(app: TestApp, token: string, action: string): Promise<AuditRow[]> {
  const response = await app
    .http()
    .get(`/api/v1/audit?action=${action}&limit=1000`)
    .set(bearer(token))
    .expect(200);
  return response.body as AuditRow[];
}

function failLogin(app: TestApp, username: string, forwardedFor?: string) {
  const call = app.http().post('/api/v1/auth/login');
  if (forwardedFor) call.set('X-Forwarded-For', forwardedFor);
  return call.send({ username, password: 'doan-bua-mat-khau' });
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT made by hand, as an attacker holding (or guessing) the secret would. */
function craftToken(
  alg: 'HS256' | 'HS512' | 'none',
  payload: Record<string, unknown>,
  secret: string,
): string {
  const unsigned = `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}`;
  if (alg === 'none') return `${unsigned}.`;
  const hmac = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret);
  return `${unsigned}.${hmac.update(unsigned).digest('base64url')}`;
}

async function settingRows(app: TestApp): Promise<{ key: string; value: string }[]> {
  return app.app.get(DataSource).query('SELECT key, value FROM app_setting');
}

describe('security: login limits, password hashing and tokens (e2e)', () => {
  describe('without a trusted proxy', () => {
    let storage: TestStorage;
    let app: TestApp;
    let admin: string;

    beforeAll(async () => {
      storage = await createTestStorage({
        LOGIN_THROTTLE_LIMIT: '20',
        LOGIN_THROTTLE_TTL_SECONDS: '600',
      });
      app = await startTestApp(storage);
      admin = await app.login(ADMIN.username, ADMIN.password);
    });

    afterAll(async () => {
      await app.close();
      await storage.dispose();
    });

    it('refuses the 21st failed login from one address whatever the usernames, spoofed X-Forwarded-For or not', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < 20; index += 1) {
        // Every attempt claims another client address: an untrusted header changes nothing.
        const response = await failLogin(app, `nguoi-dung-${index}`, `203.0.113.${index + 1}`);
        statuses.push(response.status);
      }
      expect(statuses).toEqual(Array.from({ length: 20 }, () => 401));

      for (let index = 20; index < 25; index += 1) {
        const response = await failLogin(app, `nguoi-dung-${index}`, `203.0.113.${index + 1}`);
        expect(response.status).toBe(429);
        expect(response.body).toMatchObject({ statusCode: 429, code: 'LOGIN_RATE_LIMITED' });
        const retryAfter = Number(response.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(600);
      }
      // The right password from that address waits too: nothing is hashed until the window moves.
      const right = await app.http().post('/api/v1/auth/login').send(ADMIN);
      expect(right.status).toBe(429);
    });

    it('writes one aggregated row for the spray, with the socket address, not one per failure', async () => {
      const failed = await auditRows(app, admin, 'login.failed');
      expect(failed).toHaveLength(1);
      const [row] = failed;
      expect(row.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(row.actorUsername).toBeNull();
      expect(row.detail).toMatchObject({ failures: 20, reasons: { 'unknown-user': 20 } });
      expect((row.detail?.usernames as string[]).sort()).toEqual(
        Array.from({ length: 20 }, (_, index) => `nguoi-dung-${index}`).sort(),
      );
      const limited = await auditRows(app, admin, 'login.rate_limited');
      expect(limited).toHaveLength(1);
      expect(limited[0]).toMatchObject({ detail: { scope: 'address' } });
      const everyAddress = (await auditRows(app, admin, 'login.succeeded'))
        .concat(failed, limited)
        .map((event) => event.ip ?? '');
      expect(everyAddress.some((ip) => ip.includes('203.0.113.'))).toBe(false);
    });

    it('keeps the generated JWT secret in a 0600 file, not in the database', async () => {
      const file = join(storage.dir, 'jwt-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = readFileSync(file, 'utf8').trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const rows = await settingRows(app);
      expect(rows.filter((row) => row.key === 'jwt-secret' || row.value === secret)).toEqual([]);
    });

    it('accepts only HS256 tokens with an expiry', async () => {
      const secret = readFileSync(join(storage.dir, 'jwt-secret'), 'utf8').trim();
      const me = await app.http().get('/api/v1/auth/me').set(bearer(admin)).expect(200);
      const sub = (me.body as { id: string }).id;
      const exp = Math.floor(Date.now() / 1000) + 3600;

      // The hand-made token is right when it follows the rules: the refusals below are the rules.
      await app
        .http()
        .get('/api/v1/auth/me')
        .set(bearer(craftToken('HS256', { sub, ver: 0, exp }, secret)))
        .expect(200);
      for (const token of [
        craftToken('HS256', { sub, ver: 0 }, secret),
        craftToken('HS512', { sub, ver: 0, exp }, secret),
        craftToken('none', { sub, ver: 0, exp }, secret),
      ]) {
        const response = await app.http().get('/api/v1/auth/me').set(bearer(token));
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      }
    });
  });

  describe('behind a trusted proxy', () => {
    let storage: TestStorage;
    let app: TestApp;
    let admin: string;
    const clock = new ManualClock('2026-12-03T08:00:00+07:00');

    beforeAll(async () => {
      storage = await createTestStorage({
        LOGIN_THROTTLE_LIMIT: '20',
        LOGIN_THROTTLE_TTL_SECONDS: '600',
        LOGIN_USERNAME_FREE_FAILURES: '3',
        LOGIN_USERNAME_BASE_DELAY_SECONDS: '30',
        LOGIN_USERNAME_MAX_DELAY_SECONDS: '100',
        TRUSTED_PROXIES: '127.0.0.1,::1',
      });
      app = await startTestApp(storage, {}, { clock });
      admin = await app.login(ADMIN.username, ADMIN.password);
    });

    afterAll(async () => {
      await app.close();
      await storage.dispose();
    });

    it('honours its X-Forwarded-For: each client address has its own limit', async () => {
      for (let index = 0; index < 20; index += 1) {
        expect((await failLogin(app, `phun-${index}`, '198.51.100.7')).status).toBe(401);
      }
      const refused = await failLogin(app, 'phun-20', '198.51.100.7');
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'LOGIN_RATE_LIMITED' });

      expect((await failLogin(app, 'khac-0', '198.51.100.8')).status).toBe(401);
      await app
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '198.51.100.9')
        .send(ADMIN)
        .expect(200);

      const failed = await auditRows(app, admin, 'login.failed');
      expect(failed.map((row) => [row.ip, row.detail?.failures]).sort()).toEqual([
        ['198.51.100.7', 20],
        ['198.51.100.8', 1],
      ]);
      expect(failed.find((row) => row.ip === '198.51.100.8')?.actorUsername).toBe('khac-0');
    });

    it('the window slides: failures older than it no longer count', async () => {
      clock.advance(601_000);
      expect((await failLogin(app, 'phun-21', '198.51.100.7')).status).toBe(401);
      // A new window, a new aggregated row.
      const rows = (await auditRows(app, admin, 'login.failed')).filter(
        (row) => row.ip === '198.51.100.7',
      );
      expect(rows.map((row) => row.detail?.failures).sort()).toEqual([1, 20]);
    });

    it('makes one username wait longer after every failure, whatever the address', async () => {
      const attempt = (index: number) => failLogin(app, 'chu-tich-xa', `192.0.2.${index}`);
      for (let index = 1; index <= 3; index += 1) expect((await attempt(index)).status).toBe(401);

      const waits: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        const refused = await attempt(10 + round);
        expect(refused.status).toBe(429);
        expect(refused.body).toMatchObject({ code: 'LOGIN_RATE_LIMITED' });
        const wait = Number(refused.headers['retry-after']);
        waits.push(wait);
        clock.advance(wait * 1000);
        expect((await attempt(20 + round)).status).toBe(401);
      }
      // 30 s, 60 s, then capped at LOGIN_USERNAME_MAX_DELAY_SECONDS.
      expect(waits).toEqual([30, 60, 100]);
      // The refusals of one username cost the addresses nothing.
      expect((await failLogin(app, 'nguoi-khac', '192.0.2.10')).status).toBe(401);
    });
  });

  describe('two instances behind one load balancer', () => {
    let storage: TestStorage;
    let first: TestApp;
    let second: TestApp;

    beforeAll(async () => {
      storage = await createTestStorage({ LOGIN_THROTTLE_LIMIT: '20', APP_ROLES: 'api' });
      first = await startTestApp(storage);
      second = await startTestApp(storage);
    });

    afterAll(async () => {
      await second?.close();
      await first?.close();
      await storage.dispose();
    });

    it('share one limit and one aggregated audit row per address', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < 22; index += 1) {
        const instance = index % 2 === 0 ? first : second;
        statuses.push((await failLogin(instance, `lan-luot-${index}`)).status);
      }
      expect(statuses).toEqual([...Array.from({ length: 20 }, () => 401), 429, 429]);
      // This address may not log in any more: the admin's token is issued by the service itself.
      const user = await second.app.get(UsersService).findByUsername(ADMIN.username);
      const token = await second.app.get(TokenService).sign(user!.id, user!.tokenVersion);
      const failed = await auditRows(second, token, 'login.failed');
      expect(failed).toHaveLength(1);
      expect(failed[0].detail).toMatchObject({ failures: 20 });
    });
  });

  describe('the cost of a login flood', () => {
    let storage: TestStorage;
    let app: TestApp;
    let admin: string;

    beforeAll(async () => {
      // The production cost (32 MiB per hash), one hashing worker and a short queue.
      storage = await createTestStorage({
        PASSWORD_SCRYPT_COST: '15',
        PASSWORD_HASH_WORKERS: '1',
        PASSWORD_HASH_QUEUE: '4',
        TRUSTED_PROXIES: '127.0.0.1,::1',
      });
      app = await startTestApp(storage);
      admin = await app.login(ADMIN.username, ADMIN.password);
    });

    afterAll(async () => {
      await app.close();
      await storage.dispose();
    });

    it('keeps database reads fast and refuses what the hashing queue cannot take', async () => {
      let flooding = true;
      const outcomes: number[] = [];
      const busy: { body: unknown; retryAfter: unknown }[] = [];
      const flood = (async () => {
        let index = 0;
        while (flooding) {
          const wave = Array.from({ length: 30 }, () => {
            index += 1;
            return failLogin(
              app,
              `phun-${index}`,
              `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`,
            );
          });
          for (const response of await Promise.all(wave)) {
            outcomes.push(response.status);
            if (response.status === 503)
              busy.push({ body: response.body, retryAfter: response.headers['retry-after'] });
          }
        }
      })();

      const readTimes: number[] = [];
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        for (let read = 0; read < 15; read += 1) {
          const started = performance.now();
          await app.http().get('/api/v1/users').set(bearer(admin)).expect(200);
          readTimes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        flooding = false;
        await flood;
      }
      // Generous: before the fix the libuv pool held 32 MiB hashes and a read took seconds.
      expect(Math.max(...readTimes)).toBeLessThan(1500);
      // Each wave offers 30 hashes to 1 worker + 4 queued places: most are refused at once.
      expect(outcomes.filter((status) => status === 503).length).toBeGreaterThan(0);
      expect(busy[0]).toMatchObject({
        body: { code: 'PASSWORD_HASHER_BUSY' },
        retryAfter: expect.stringMatching(/^\d+$/) as unknown,
      });
      expect(outcomes.every((status) => status === 401 || status === 503)).toBe(true);
      // Generous: before the fix the libuv pool held 32 MiB hashes and a read took seconds.
    });
  });

  describe('the built service in production', () => {
    let storage: TestStorage;

    beforeAll(async () => {
      storage = await createTestStorage();
    });

    afterAll(async () => {
      await storage.dispose();
    });

    it('refuses a spray with its production defaults and keeps its secret out of the database', async () => {
      const port = await freePort();
      const service = startServiceProcess({
        ...storage.env,
        NODE_ENV: 'production',
        PORT: String(port),
        APP_ROLES: 'api',
        // The production defaults: 20 failures per address, the 32 MiB scrypt.
        LOGIN_THROTTLE_LIMIT: undefined,
        PASSWORD_SCRYPT_COST: undefined,
      });
      try {
        await service.waitFor(/listening on http/, 60000);
        const login = (username: string) =>
          fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-Forwarded-For': `198.18.0.${username.length}`,
            },
            body: JSON.stringify({ username, password: 'doan-bua-mat-khau' }),
          });
        const statuses: number[] = [];
        for (let index = 0; index < 20; index += 1) {
          statuses.push((await login(`${'x'.repeat(index + 1)}`)).status);
        }
        expect(statuses).toEqual(Array.from({ length: 20 }, () => 401));
        const refused = await login('mot-ten-nua');
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await refused.json()).toMatchObject({ code: 'LOGIN_RATE_LIMITED' });

        const file = join(storage.dir, 'jwt-secret');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const secret = readFileSync(file, 'utf8').trim();
        const forged = craftToken('none', { sub: 'x', ver: 0, exp: 4102444800 }, secret);
        const me = await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, {
          headers: bearer(forged),
        });
        expect(me.status).toBe(401);
        expect(await me.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      } finally {
        await service.stop('SIGTERM');
      }
    });
  });

  describe('a JWT secret an older version kept in the database', () => {
    let storage: TestStorage;

    beforeAll(async () => {
      storage = await createTestStorage();
    });

    afterAll(async () => {
      await storage.dispose();
    });

    it('moves to the secret file at start; tokens issued before stay valid', async () => {
      const file = join(storage.dir, 'jwt-secret');
      const before = await startTestApp(storage);
      const token = await before.login(ADMIN.username, ADMIN.password);
      const secret = readFileSync(file, 'utf8').trim();
      // As the previous version left things: the secret in app_setting, no file.
      const dataSource = before.app.get(DataSource);
      const placeholders = dataSource.options.type === 'postgres' ? '$1, $2' : '?, ?';
      await dataSource.query(`INSERT INTO app_setting (key, value) VALUES (${placeholders})`, [
        'jwt-secret',
        secret,
      ]);
      expect(await settingRows(before)).toContainEqual({ key: 'jwt-secret', value: secret });
      await before.close();
      rmSync(file);

      const after = await startTestApp(storage);
      try {
        await after.http().get('/api/v1/auth/me').set(bearer(token)).expect(200);
        expect(existsSync(file)).toBe(true);
        expect(readFileSync(file, 'utf8').trim()).toBe(secret);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(await settingRows(after)).toEqual([]);
      } finally {
        await after.close();
      }
    });
  });
});
