import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
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

describe('library parts the service does not use', () => {
  /**
   * Run in a node process of its own, as `main.ts` runs the deferral (Jest loads modules through
   * its own registry, not Node's loader): each deferred part of TypeORM and class-validator stays
   * unloaded until it is used, and works when it is (BENCHMARKS.md, Memory).
   */
  const probe = `
    require(${JSON.stringify(resolve(__dirname, '../dist/deferred-requires.js'))});
    const parts = {
      mysql: '/typeorm/driver/mysql/',
      postgres: '/typeorm/driver/postgres/',
      sqlite: '/typeorm/driver/sqlite/',
      glob: '/glob/dist/',
      formatter: '/@sqltools/formatter/',
      highlight: '/sql-highlight/',
      phone: '/libphonenumber-js/',
      email: '/validator/lib/isEmail.js',
      uuid: '/validator/lib/isUUID.js',
    };
    const loaded = () => Object.fromEntries(Object.entries(parts).map(([name, part]) =>
      [name, Object.keys(require.cache).some((file) => file.includes(part))]));
    const { DataSource } = require('typeorm');
    const { PlatformTools } = require('typeorm/platform/PlatformTools');
    const { isEmail, isPhoneNumber, validate, IsUUID } = require('class-validator');
    (async () => {
      const report = { atLoad: loaded() };
      const sqlite = new DataSource({ type: 'sqlite', database: ':memory:' });
      await sqlite.initialize();
      report.sqlite = await sqlite.query('SELECT 1 AS one');
      report.withSqlite = loaded();
      report.email = [isEmail('tram@loaxa.vn'), isEmail('loa xã')];
      report.phone = [isPhoneNumber('+84 912 345 678', 'VN'), isPhoneNumber('0912', 'VN')];
      class Bulletin {}
      IsUUID('4')(Bulletin.prototype, 'id');
      const bulletin = Object.assign(new Bulletin(), { id: 'không phải uuid' });
      report.uuid = (await validate(bulletin)).map((error) => Object.keys(error.constraints));
      report.sql = [PlatformTools.formatSql('select 1', 'sqlite'), PlatformTools.highlightSql('SELECT 1').includes('SELECT')];
      const postgres = new DataSource({
        type: 'postgres',
        url: process.env.PG_URL,
        entities: [process.env.NO_ENTITIES + '/*.js'],
      });
      await postgres.initialize();
      report.postgres = await postgres.query('SELECT 1 AS one');
      report.withAll = loaded();
      await postgres.destroy();
      await sqlite.destroy();
      process.stdout.write(JSON.stringify(report));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;

  it('are required on first use: the chosen database driver, glob, validators, SQL formatting', () => {
    const output = execFileSync(process.execPath, ['-e', probe], {
      cwd: resolve(__dirname, '..'),
      env: {
        ...process.env,
        PG_URL: process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
        NO_ENTITIES: resolve(__dirname, 'support', 'no-such-folder'),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const none = {
      mysql: false,
      postgres: false,
      sqlite: false,
      glob: false,
      formatter: false,
      highlight: false,
      phone: false,
      email: false,
      uuid: false,
    };
    expect(JSON.parse(output)).toEqual({
      atLoad: none,
      sqlite: [{ one: 1 }],
      withSqlite: { ...none, sqlite: true },
      email: [true, false],
      phone: [true, false],
      uuid: [['isUuid']],
      sql: [expect.stringMatching(/^select\s+1$/), true],
      postgres: [{ one: 1 }],
      withAll: {
        ...none,
        postgres: true,
        sqlite: true,
        glob: true,
        formatter: true,
        highlight: true,
        phone: true,
        email: true,
        uuid: true,
      },
    });
  });
});
