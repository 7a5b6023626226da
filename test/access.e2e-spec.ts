import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';
import { fillPath, listRoutes, RouteInfo } from './support/routes';

const HAC_THANH = '14797';
const OTHER_THANH_HOA_COMMUNE = '14758'; // Phường Hàm Rồng
const HA_NOI_COMMUNE = '00004';

interface Tokens {
  admin: string;
  operatorA: string;
  approverA: string;
  monitor38: string;
  monitor01: string;
}

function send(app: TestApp, route: RouteInfo, path: string, token: string) {
  const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  return app.http()[method](path).set(bearer(token)).send({});
}

describe('access control on every scoped route (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let tokens: Tokens;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    tokens = {
      admin,
      operatorA: await createUserAndLogin(app, admin, {
        username: 'van-hanh-a',
        role: 'operator',
        communeCode: HAC_THANH,
      }),
      approverA: await createUserAndLogin(app, admin, {
        username: 'phe-duyet-a',
        role: 'approver',
        communeCode: HAC_THANH,
      }),
      monitor38: await createUserAndLogin(app, admin, {
        username: 'giam-sat-38',
        role: 'monitor',
        provinceCode: '38',
      }),
      monitor01: await createUserAndLogin(app, admin, {
        username: 'giam-sat-01',
        role: 'monitor',
        provinceCode: '01',
      }),
    };
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('finds the routes it checks', () => {
    const routes = listRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/api/v1/auth/login', isPublic: true }),
    );
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/api/v1/users', roles: ['admin'] }),
    );
  });

  it('asks for a token on every route that is not public', async () => {
    for (const route of listRoutes(app).filter((candidate) => !candidate.isPublic)) {
      const method = route.method.toLowerCase() as 'get';
      const path = fillPath(route.path, { commune: HAC_THANH, province: '38' });
      const response = await app.http()[method](path);
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });

  it('keeps operators and approvers of commune A out of commune B', async () => {
    const scoped = listRoutes(app).filter((route) => route.communeScope);
    for (const route of scoped) {
      for (const [who, token] of [
        ['operator', tokens.operatorA],
        ['approver', tokens.approverA],
      ] as const) {
        if (route.roles && !route.roles.includes(who)) continue;
        for (const commune of [OTHER_THANH_HOA_COMMUNE, HA_NOI_COMMUNE]) {
          const response = await send(
            app,
            route,
            fillPath(route.path, { [route.communeScope!.param]: commune }),
            token,
          );
          expect({
            who,
            route: `${route.method} ${route.path}`,
            commune,
            status: response.status,
          }).toEqual({
            who,
            route: `${route.method} ${route.path}`,
            commune,
            status: 403,
          });
        }
      }
    }
  });

  it('keeps a monitor out of other provinces and read-only on its own communes', async () => {
    const scoped = listRoutes(app).filter((route) => route.communeScope);
    for (const route of scoped) {
      const label = `${route.method} ${route.path}`;
      const foreign = await send(
        app,
        route,
        fillPath(route.path, { [route.communeScope!.param]: HAC_THANH }),
        tokens.monitor01,
      );
      expect({ label, status: foreign.status }).toEqual({ label, status: 403 });
      const mode =
        route.communeScope!.mode ?? (['GET', 'HEAD'].includes(route.method) ? 'read' : 'write');
      if (mode === 'write') {
        const own = await send(
          app,
          route,
          fillPath(route.path, { [route.communeScope!.param]: HAC_THANH }),
          tokens.monitor38,
        );
        expect({ label, status: own.status }).toEqual({ label, status: 403 });
      }
    }
    for (const route of listRoutes(app).filter((candidate) => candidate.provinceScope)) {
      const label = `${route.method} ${route.path}`;
      const path =
        route.provinceScope!.source === 'params'
          ? fillPath(route.path, { [route.provinceScope!.name]: '38' })
          : `${fillPath(route.path, {})}?${route.provinceScope!.name}=38`;
      const response = await send(app, route, path, tokens.monitor01);
      expect({ label, status: response.status }).toEqual({ label, status: 403 });
      const operator = await send(app, route, path, tokens.operatorA);
      expect({ label, status: operator.status }).toEqual({ label, status: 403 });
    }
  });

  it('answers 404 for an unknown commune and 400 for a malformed one', async () => {
    const route = listRoutes(app).find(
      (candidate) => candidate.communeScope && candidate.method === 'GET',
    );
    if (!route) return;
    await send(
      app,
      route,
      fillPath(route.path, { [route.communeScope!.param]: '99999' }),
      tokens.admin,
    ).expect(404);
    await send(
      app,
      route,
      fillPath(route.path, { [route.communeScope!.param]: 'abc' }),
      tokens.admin,
    ).expect(400);
  });

  it('keeps users, their roles and scopes across a restart (data in the SQLite file)', async () => {
    await app.close();
    app = await startTestApp(storage);
    const operator = await app.login('van-hanh-a', 'van-hanh-a-password');
    const me = await app.http().get('/api/v1/auth/me').set(bearer(operator)).expect(200);
    expect(me.body).toMatchObject({ role: 'operator', communeCode: HAC_THANH });
    // The token issued before the restart is still valid: the signing secret is kept in the database.
    await app.http().get('/api/v1/auth/me').set(bearer(tokens.monitor38)).expect(200);
    await app.http().get('/api/v1/users').set(bearer(operator)).expect(403);
    const scoped = listRoutes(app).find((route) => route.communeScope);
    if (scoped) {
      const response = await send(
        app,
        scoped,
        fillPath(scoped.path, { [scoped.communeScope!.param]: OTHER_THANH_HOA_COMMUNE }),
        operator,
      );
      expect(response.status).toBe(403);
    }
  });
});
