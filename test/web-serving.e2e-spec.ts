import { buildWebApp } from './support/browser';
import { createTestStorage, startTestApp, TestApp, TestStorage } from './support/test-app';

describe('web app serving (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('serves the page at / with a CSP that allows only its own scripts', async () => {
    const response = await app.http().get('/').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<html lang="vi">');
    expect(response.text).toContain('src="/assets/js/main.js"');
    expect(response.text).not.toMatch(/https?:\/\//);
    const csp = String(response.headers['content-security-policy']);
    const directives = new Map(
      csp.split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('media-src')).toBe("'self' blob:");
    expect(directives.get('object-src')).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|https:/);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('serves the stylesheet and the compiled modules with their types', async () => {
    const css = await app.http().get('/assets/app.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const script = await app.http().get('/assets/js/main.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toContain("from './api.js'");
    const nested = await app.http().get('/assets/js/pages/login.js').expect(200);
    expect(nested.text).toContain('Đăng nhập');
    await app
      .http()
      .get('/assets/js/main.js')
      .set('If-None-Match', String(script.headers.etag))
      .expect(304);
  });

  it('answers a missing or forbidden asset path with a JSON 404, never a file outside web/', async () => {
    for (const path of [
      '/assets/nope.js',
      '/assets/%2e%2e/package.json',
      '/assets/js/..%2f..%2fpackage.json',
      '/assets/.hidden',
      '/assets/js',
    ]) {
      const response = await app.http().get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).toMatchObject({ statusCode: 404 });
      expect(response.text).not.toContain('"name": "loa-xa"');
    }
  });

  it('keeps the API under /api/v1: known routes work, unknown ones are JSON 404s', async () => {
    await app.http().get('/api/v1/health').expect(200);
    const unknown = await app.http().get('/api/v1/no-such-route').expect(404);
    expect(unknown.headers['content-type']).toMatch(/application\/json/);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await app.http().get('/api/v1/users').expect(401);
    // The page is not served under the prefix, nor at other paths.
    await app.http().get('/api/v1/').expect(404);
    await app.http().get('/index.html').expect(404);
    await app.http().post('/').expect(404);
  });
});
