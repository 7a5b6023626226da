import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config';
import { SettingsService } from '../database/settings.service';
import { LEGACY_JWT_SECRET_SETTING, resolveJwtSecret } from './jwt-secret';

/** The settings table as a map: this unit only decides what moves where. */
class MemorySettings {
  readonly values = new Map<string, string>();
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}

describe('resolveJwtSecret', () => {
  let dir: string;
  let settings: MemorySettings;
  const legacy = 'an-old-secret-kept-in-the-database-0123456789';

  function auth(env: Record<string, string> = {}) {
    return loadConfig({ JWT_SECRET_FILE: join(dir, 'jwt-secret'), ...env }, dir).auth;
  }
  const resolve = (env: Record<string, string> = {}) =>
    resolveJwtSecret(auth(env), settings as unknown as SettingsService);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-secret-'));
    settings = new MemorySettings();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a long secret in the file at first start and keeps it', async () => {
    const secret = await resolve();
    expect(secret.length).toBeGreaterThanOrEqual(48);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(secret);
    await expect(resolve()).resolves.toBe(secret);
  });

  it('moves a secret from the database to the file and deletes it there', async () => {
    settings.values.set(LEGACY_JWT_SECRET_SETTING, legacy);
    await expect(resolve()).resolves.toBe(legacy);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(legacy);
    expect(settings.values.size).toBe(0);
  });

  it('keeps the file another instance already wrote, and still empties the database', async () => {
    writeFileSync(join(dir, 'jwt-secret'), legacy);
    settings.values.set(LEGACY_JWT_SECRET_SETTING, legacy);
    await expect(resolve()).resolves.toBe(legacy);
    expect(settings.values.size).toBe(0);
  });

  it('prefers JWT_SECRET, writes no file and removes a stored secret', async () => {
    settings.values.set(LEGACY_JWT_SECRET_SETTING, legacy);
    const configured = 'x'.repeat(40);
    await expect(resolve({ JWT_SECRET: configured })).resolves.toBe(configured);
    expect(() => readFileSync(join(dir, 'jwt-secret'))).toThrow(/ENOENT/);
    expect(settings.values.size).toBe(0);
  });

  it('refuses a secret file that is too short', async () => {
    writeFileSync(join(dir, 'jwt-secret'), 'short');
    await expect(resolve()).rejects.toThrow(/at least 32 characters/);
  });
});
