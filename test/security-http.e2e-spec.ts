import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import { freePort } from './support/services';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(180000);

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  ms: number;
}

/**
 * One request with a raw body, as an attacker sends it: with a Content-Length, or chunked (no
 * length) when `chunked`. Resolves with the answer as soon as it is complete, even when the
 * server stops reading the body and closes the connection (the client then fails to write the
 * rest, which is expected).
 */
function send(
  port: number,
  spec: {
    method?: string;
    path: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    chunked?: boolean;
  },
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: spec.method ?? 'POST',
      path: spec.path,
      agent: false,
      headers: {
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...(body && !spec.chunked ? { 'Content-Length': String(body.length) } : {}),
        ...spec.headers,
      },
    });
    let answered = false;
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        answered = true;
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: parsed,
          ms: performance.now() - started,
        });
      });
    });
    request.on('error', (error) => {
      if (!answered) setTimeout(() => reject(error), 2000);
    });
    if (body) {
      // Chunks of 64 kB, so a refusal can arrive while the client is still sending.
      for (let offset = 0; offset < body.length; offset += 64 * 1024) {
        request.write(body.subarray(offset, offset + 64 * 1024));
      }
    }
    request.end();
  });
}

/** JSON nested `depth` levels deep: `[[[…]]]`, two bytes a level. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a probe of health saw: the status (0 when the request failed) and the time to the answer. */
interface HealthAnswer {
  status: number;
  ms: number;
}

/** The probe's script: a GET of health on a new connection every 100 ms from `from` to `until`. */
const HEALTH_PROBE = `
const http = require('node:http');
const [port, from, until] = process.argv.slice(1).map(Number);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const get = () =>
  new Promise((resolve) => {
    const started = performance.now();
    const done = (status) => resolve({ status, ms: performance.now() - started });
    http
      .get({ host: '127.0.0.1', port, path: '/api/v1/health', agent: false }, (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode));
      })
      .on('error', () => done(0));
  });
(async () => {
  const answers = [];
  await sleep(from - Date.now());
  while (Date.now() < until) {
    answers.push(await get());
    await sleep(100);
  }
  process.stdout.write(JSON.stringify(answers));
})();
`;

/**
 * Health as a client of its own sees it, from `from` to `until` (epoch ms): a process apart, so
 * that this one, busy encoding and sending the attack's megabytes, does not delay the answers
 * it reads (CI failed once on a 1,062 ms answer read here, on a shared machine running two
 * suites at once).
 */
function probeHealth(port: number, from: number, until: number): Promise<HealthAnswer[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', HEALTH_PROBE, String(port), String(from), String(until)],
      (error: Error | null, stdout: string) => {
        if (error) reject(error);
        else resolve(JSON.parse(stdout) as HealthAnswer[]);
      },
    );
  });
}

describe('security: HTTP bodies, errors, overload, docs (e2e)', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    await storage.dispose();
  });

  /**
   * Finding 3 against the built service: the bodies that used to block its event loop for
   * seconds each (a 3.8 MB body nested 1.9 million deep to the login, 10,000 levels on an
   * authenticated route) are sent over and over, in parallel, while an item plays; every one is
   * refused at once with a code, health keeps answering and the item starts on time. The bounds
   * are generous (a loaded test machine must not fail them); the goals are in `npm run bench --
   * soak`. Before the fix, one such login took ~4 s and four 17.7 s, all of that event loop time.
   */
  describe('against the built service, while an item plays', () => {
    let api: TestApp;
    let service: ServiceProcess;
    let port: number;

    beforeAll(async () => {
      api = await startTestApp(storage, { APP_ROLES: 'api' });
      port = await freePort();
      service = startServiceProcess({
        ...storage.env,
        PORT: String(port),
        APP_ROLES: 'api,worker,scheduler',
        PLAYOUT_SINK: 'null',
        PLAYOUT_PREROLL_MS: '2000',
        PLAYOUT_RECONCILE_SECONDS: '1',
      });
      await service.waitFor(/listening on/, 60000);
    });

    afterAll(async () => {
      await service?.stop('SIGTERM');
      await api?.close();
    });

    it('refuses deep and oversized JSON fast with a code; health and the playing item keep their timing', async () => {
      const login = await send(port, {
        path: '/api/v1/auth/login',
        body: JSON.stringify(ADMIN),
      });
      expect(login.status).toBe(200);
      const token = login.body.accessToken as string;

      const audio = await insertReadyAudio(api, {
        communeCode: '14797',
        provinceCode: '38',
        durationMs: 3000,
      });
      const bulletin = await insertBulletin(api, {
        communeCode: '14797',
        provinceCode: '38',
        title: 'Bản tin an toàn thông tin',
        topics: ['chinh-quyen-so'],
        audioId: audio.id,
      });
      const startsAt = new Date(Date.now() + 8000);
      const item = await insertScheduleItem(api, {
        communeCode: '14797',
        bulletinId: bulletin.id,
        startsAt,
        durationMs: 3000,
      });

      const huge = nested(1_900_000); // 3.8 MB
      const deep = nested(10_000); // 20 kB
      const batchPath = '/api/v1/communes/14797/playout-log/batch';
      const attackUntil = startsAt.getTime() + 3000;

      // Health, every 100 ms, from 4 s before the start to 3 s after.
      const probing = probeHealth(port, startsAt.getTime() - 4000, attackUntil);

      const refusals: { label: string; answer: RawAnswer }[] = [];
      const attack = (label: string, spec: Parameters<typeof send>[1]) =>
        send(port, spec).then((answer) => refusals.push({ label, answer }));
      await sleep(startsAt.getTime() - 3500 - Date.now());
      let rounds = 0;
      while (Date.now() < attackUntil && rounds < 30) {
        rounds++;
        await Promise.all([
          ...[1, 2, 3, 4].map(() =>
            attack('login, 3.8 MB nested, no token', { path: '/api/v1/auth/login', body: huge }),
          ),
          attack('login, 3.8 MB nested, chunked', {
            path: '/api/v1/auth/login',
            body: huge,
            chunked: true,
          }),
          attack('login, 1,900 levels in 3.8 kB', {
            path: '/api/v1/auth/login',
            body: nested(1900),
          }),
          attack('batch, 10,000 levels, valid token', {
            path: batchPath,
            body: deep,
            headers: bearer(token),
          }),
          attack('batch, 3.8 MB nested, valid token', {
            path: batchPath,
            body: huge,
            headers: bearer(token),
          }),
          attack('batch, 3.8 MB nested, no token', { path: batchPath, body: huge }),
          attack('batch, malformed, no token', { path: batchPath, body: '{"records": [' }),
        ]);
      }
      const health = await probing;

      const expected: Record<string, [number, string]> = {
        'login, 3.8 MB nested, no token': [413, 'PAYLOAD_TOO_LARGE'],
        'login, 3.8 MB nested, chunked': [413, 'PAYLOAD_TOO_LARGE'],
        'login, 1,900 levels in 3.8 kB': [400, 'JSON_TOO_DEEP'],
        'batch, 10,000 levels, valid token': [400, 'JSON_TOO_DEEP'],
        'batch, 3.8 MB nested, valid token': [400, 'JSON_TOO_DEEP'],
        // Access first: no token, no body read (the README's promise).
        'batch, 3.8 MB nested, no token': [401, 'UNAUTHENTICATED'],
        'batch, malformed, no token': [401, 'UNAUTHENTICATED'],
      };
      expect(rounds).toBeGreaterThan(1);
      for (const { label, answer } of refusals) {
        const [status, code] = expected[label];
        expect({ label, status: answer.status, code: answer.body.code }).toEqual({
          label,
          status,
          code,
        });
        expect({ label, fast: answer.ms < 3000 }).toEqual({ label, fast: true });
      }

      // The event loop was never blocked for long: every health check answered 200, promptly.
      expect(health.length).toBeGreaterThan(10);
      expect(health.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
      expect(Math.max(...health.map((answer) => answer.ms))).toBeLessThan(1000);

      // The item aired, starting on time (the playout goal is 50 ms; this bound is generous).
      let record: Record<string, unknown> | undefined;
      for (let attempt = 0; attempt < 40 && !record; attempt++) {
        const log = await api
          .http()
          .get('/api/v1/communes/14797/playout-log')
          .set(bearer(token))
          .expect(200);
        record = (log.body as Record<string, unknown>[]).find(
          (row) => row.scheduleItemId === item.id,
        );
        if (!record) await sleep(500);
      }
      expect(record).toMatchObject({ outcome: 'aired' });
      const startError = Date.parse(record!.startedAt as string) - startsAt.getTime();
      expect(Math.abs(startError)).toBeLessThan(1000);
    });
  });

  describe('in one process', () => {
    let app: TestApp;
    let admin: string;

    beforeAll(async () => {
      app = await startTestApp(storage);
      admin = await app.login(ADMIN.username, ADMIN.password);
    });

    afterAll(async () => {
      await app?.close();
    });

    it('decides access before reading the body: malformed JSON is 401 without a token, 400 with', async () => {
      const withoutToken = await app
        .http()
        .post('/api/v1/campaigns')
        .set('Content-Type', 'application/json')
        .send('{"code": "x",');
      expect(withoutToken.status).toBe(401);
      expect(withoutToken.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      const withToken = await app
        .http()
        .post('/api/v1/campaigns')
        .set(bearer(admin))
        .set('Content-Type', 'application/json')
        .send('{"code": "x",');
      expect(withToken.status).toBe(400);
      expect(withToken.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
    });

    it('limits JSON per route: a login is 4 kB, other routes 100 kB, the as-run batch 4 MB', async () => {
      const login = await app
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'admin', password: 'x'.repeat(5000) });
      expect(login.status).toBe(413);
      expect(login.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 4096 });

      const topic = await app
        .http()
        .post('/api/v1/topics')
        .set(bearer(admin))
        .send({ code: 'lon', name: 'x'.repeat(200 * 1024) });
      expect(topic.status).toBe(413);
      expect(topic.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 100 * 1024 });

      // 300 kB is past the default limit but well within the batch route's: the body is read
      // and validated (an empty title is refused), not cut off.
      const record = {
        outcome: 'aired',
        title: '',
        startedAt: '2026-10-06T06:00:00+07:00',
        endedAt: '2026-10-06T06:01:00+07:00',
        playedMs: 60000,
        reason: 'x'.repeat(900),
      };
      const batch = await app
        .http()
        .post('/api/v1/communes/14797/playout-log/batch')
        .set(bearer(admin))
        .send({ records: Array(300).fill(record) });
      expect(batch.status).toBe(400);
      expect(batch.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('gives every error a code: unknown routes, id validation, too many logins', async () => {
      const unknown = await app.http().get('/api/v1/khong-ton-tai').set(bearer(admin));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
      const outside = await app.http().get('/khong-ton-tai.php');
      expect(outside.status).toBe(404);
      expect(outside.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });

      const badId = await app.http().get('/api/v1/users/not-a-uuid').set(bearer(admin));
      expect(badId.status).toBe(400);
      expect(badId.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      const badWindowId = await app
        .http()
        .delete('/api/v1/communes/14797/windows/123')
        .set(bearer(admin));
      expect(badWindowId.status).toBe(400);
      expect(badWindowId.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('answers 429 with a code once logins are throttled', async () => {
      const throttled = await startTestApp(storage, { LOGIN_THROTTLE_LIMIT: '2' });
      try {
        let answer: { status: number; body: unknown } | undefined;
        for (let attempt = 0; attempt < 40; attempt++) {
          answer = await throttled
            .http()
            .post('/api/v1/auth/login')
            .send({ username: 'admin', password: `wrong-${attempt}` });
          if (answer.status === 429) break;
          expect(answer.status).toBe(401);
        }
        expect(answer?.status).toBe(429);
        expect(answer?.body).toMatchObject({ statusCode: 429, code: expect.any(String) });
      } finally {
        await throttled.close();
      }
    });

    it('answers a 403 on a bulletin without naming the commune or province that owns it', async () => {
      const operator = await createUserAndLogin(app, admin, {
        username: 'van-hanh-14797',
        role: 'operator',
        communeCode: '14797',
      });
      const foreign = await insertBulletin(app, {
        communeCode: '14758',
        provinceCode: '38',
        title: 'Bản tin xã khác',
        topics: ['kinh-te-so'],
      });
      const library = await insertBulletin(app, {
        communeCode: null,
        provinceCode: '01',
        title: 'Bản tin thư viện tỉnh khác',
        topics: ['kinh-te-so'],
      });
      const answers = [
        await app.http().get(`/api/v1/bulletins/${foreign.id}`).set(bearer(operator)),
        await app
          .http()
          .patch(`/api/v1/bulletins/${foreign.id}`)
          .set(bearer(operator))
          .send({ title: 'Đổi tên' }),
        await app.http().get(`/api/v1/bulletins/${library.id}`).set(bearer(operator)),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ code: 'FORBIDDEN' });
        const text = JSON.stringify(answer.body);
        expect(text).not.toContain('14758');
        expect(text).not.toMatch(/commune|province/i);
      }
    });
  });

  describe('overload', () => {
    let app: TestApp;
    let port: number;
    let admin: string;
    const held: http.ClientRequest[] = [];

    /** A request that takes a slot and keeps it: its JSON body never finishes arriving. */
    function hold(): Promise<void> {
      return new Promise((resolve) => {
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/topics',
          agent: false,
          headers: {
            ...bearer(admin),
            'Content-Type': 'application/json',
            'Content-Length': '100',
          },
        });
        request.on('error', () => undefined);
        request.write('{"code":', () => resolve());
        held.push(request);
      });
    }

    beforeAll(async () => {
      app = await startTestApp(storage, {
        HTTP_MAX_IN_FLIGHT: '2',
        HTTP_MAX_QUEUED: '1',
        HTTP_QUEUE_TIMEOUT_MS: '1500',
      });
      await app.app.listen(0, '127.0.0.1');
      port = (app.server.address() as AddressInfo).port;
      admin = (await send(port, { path: '/api/v1/auth/login', body: JSON.stringify(ADMIN) })).body
        .accessToken as string;
    });

    afterAll(async () => {
      for (const request of held) request.destroy();
      await app?.close();
    });

    it('queues past the in-flight bound, then answers 503 with Retry-After and a code; health stays up', async () => {
      await hold();
      await hold();
      await sleep(200);
      const me = { method: 'GET', path: '/api/v1/auth/me', headers: bearer(admin) };
      // The third waits in the queue; the fourth finds the queue full and is refused at once.
      const queued = send(port, me);
      await sleep(100);
      const refused = await send(port, me);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.body).toMatchObject({ statusCode: 503, code: 'OVERLOADED' });
      expect(refused.ms).toBeLessThan(1000);

      const health = await send(port, { method: 'GET', path: '/api/v1/health' });
      expect(health.status).toBe(200);

      // A slot comes free: the queued request is served.
      held.shift()!.destroy();
      expect((await queued).status).toBe(200);

      // Full again, and a request that waits past HTTP_QUEUE_TIMEOUT_MS is refused.
      await hold();
      await sleep(200);
      const timedOut = await send(port, me);
      expect(timedOut.status).toBe(503);
      expect(timedOut.body).toMatchObject({ code: 'OVERLOADED' });
      expect(timedOut.ms).toBeGreaterThanOrEqual(1400);

      for (const request of held.splice(0)) request.destroy();
      await sleep(200);
      expect((await send(port, me)).status).toBe(200);
    });
  });

  describe('API docs', () => {
    it('are absent in production unless API_DOCS enables them', async () => {
      const production = await startTestApp(storage, { NODE_ENV: 'production' });
      try {
        for (const path of ['/api/docs', '/api/docs-json', '/api/docs-yaml']) {
          const answer = await production.http().get(path);
          expect({ path, status: answer.status }).toEqual({ path, status: 404 });
          expect(answer.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
        }
      } finally {
        await production.close();
      }
    });

    it('with API_DOCS=admin, are for admins only', async () => {
      const docs = await startTestApp(storage, { NODE_ENV: 'production', API_DOCS: 'admin' });
      try {
        const admin = await docs.login(ADMIN.username, ADMIN.password);
        const monitor = await createUserAndLogin(docs, admin, {
          username: 'giam-sat-docs',
          role: 'monitor',
          provinceCode: '38',
        });
        const anonymous = await docs.http().get('/api/docs-json');
        expect(anonymous.status).toBe(401);
        expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED' });
        const notAdmin = await docs.http().get('/api/docs-json').set(bearer(monitor));
        expect(notAdmin.status).toBe(403);
        expect(notAdmin.body).toMatchObject({ code: 'FORBIDDEN' });
        expect((await docs.http().get('/api/docs').set(bearer(monitor))).status).toBe(403);
        const allowed = await docs.http().get('/api/docs-json').set(bearer(admin)).expect(200);
        expect(allowed.body).toMatchObject({ openapi: expect.any(String) });
      } finally {
        await docs.close();
      }
    });
  });
});
