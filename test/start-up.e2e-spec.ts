import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { createTestStorage, TestStorage } from './support/test-app';

/**
 * What a process does at start (issue 18: start-up and memory of each role).
 *
 * A worker or scheduler process loads nothing that only the HTTP process uses (bull-board, the
 * MQTT client and broker, the live socket's `ws`): those libraries held ~5 MB of heap and
 * ~220 modules in every such process (BENCHMARKS.md, Memory). The HTTP process loads bull-board
 * only when an admin first opens the queue dashboard (~3 MB of heap). Each library is observed,
 * not replaced: the spy records that it was required and hands back the real module.
 */
const HTTP_ONLY = ['@bull-board/api', 'mqtt', 'ws'] as const;

/** The `cache_size` of the process's SQLite connection. */
async function pageCache(context: INestApplicationContext): Promise<number> {
  const { DataSource } = await import('typeorm');
  const rows: { cache_size: number }[] = await context.get(DataSource).query('PRAGMA cache_size');
  return rows[0].cache_size;
}

describe('modules by role', () => {
  let storage: TestStorage;
  let loaded: Set<string>;

  beforeEach(async () => {
    storage = await createTestStorage();
    loaded = new Set();
    jest.resetModules();
    for (const name of HTTP_ONLY) {
      jest.doMock(name, () => {
        loaded.add(name);
        return jest.requireActual<object>(name);
      });
    }
  });

  afterEach(async () => {
    for (const name of HTTP_ONLY) jest.dontMock(name);
    await storage.dispose();
  });

  it('a worker and scheduler process does not load the HTTP-only libraries', async () => {
    const { NestFactory } = await import('@nestjs/core');
    const { AppModule } = await import('../src/app.module');
    const context: INestApplicationContext = await NestFactory.createApplicationContext(
      AppModule.register({ env: { ...storage.env, APP_ROLES: 'worker,scheduler' } }),
      { logger: false },
    );
    try {
      expect([...loaded]).toEqual([]);
      // SQLite's page cache: 8 MiB (in KiB below 0), as in the API's process.
      expect(await pageCache(context)).toBe(-8192);
    } finally {
      await context.close();
    }
  });

  it('the process that serves the API loads `ws` at start, bull-board when an admin opens the queue dashboard', async () => {
    const { createHttpApp } = await import('../src/app.factory');
    const app: INestApplication = await createHttpApp({
      env: { ...storage.env, APP_ROLES: 'api' },
    });
    try {
      await app.listen(0);
      // The embedded broker (no MQTT_URL) needs no MQTT client library.
      expect([...loaded]).toEqual(['ws']);
      expect(await pageCache(app)).toBe(-8192);
      const { default: request } = await import('supertest');
      // The dashboard's own guard answers (no session cookie): the module is mounted, and a
      // refused request loads nothing.
      const refused = await request(app.getHttpServer()).get('/api/v1/admin/queues');
      expect(refused.status).toBe(401);
      expect(loaded.has('@bull-board/api')).toBe(false);
      const login = await request(app.getHttpServer())
        .post('/api/v1/auth/login')
        .send({ username: storage.env.ADMIN_USERNAME, password: storage.env.ADMIN_PASSWORD });
      const token = (login.body as { accessToken: string }).accessToken;
      const page = await request(app.getHttpServer())
        .get('/api/v1/admin/queues')
        .set('Authorization', `Bearer ${token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<html');
      expect(loaded.has('@bull-board/api')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('the process that serves the API loads the MQTT client when MQTT_URL names a broker', async () => {
    const { createHttpApp } = await import('../src/app.factory');
    // Nothing listens there: the client keeps trying, which is all this needs.
    const app: INestApplication = await createHttpApp({
      env: { ...storage.env, APP_ROLES: 'api', MQTT_URL: 'mqtt://127.0.0.1:9' },
    });
    try {
      await app.listen(0);
      expect(loaded.has('mqtt')).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('the API docs', () => {
  let storage: TestStorage;

  beforeEach(async () => {
    storage = await createTestStorage({ API_DOCS: 'on' });
    jest.resetModules();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await storage.dispose();
  });

  it('are built on the first request for them, not at start, and kept', async () => {
    const { SwaggerModule } = await import('@nestjs/swagger');
    const built = jest.spyOn(SwaggerModule, 'createDocument');
    const { createHttpApp } = await import('../src/app.factory');
    const app: INestApplication = await createHttpApp({ env: storage.env });
    try {
      await app.listen(0);
      expect(built).not.toHaveBeenCalled();
      const { default: request } = await import('supertest');
      for (const path of ['/api/docs-json', '/api/docs-yaml', '/api/docs-json']) {
        const response = await request(app.getHttpServer()).get(path);
        expect(response.status).toBe(200);
      }
      const document = await request(app.getHttpServer()).get('/api/docs-json');
      expect(Object.keys((document.body as { paths: object }).paths)).toContain(
        '/api/v1/auth/login',
      );
      expect(built).toHaveBeenCalledTimes(1);
    } finally {
      await app.close();
    }
  });
});
