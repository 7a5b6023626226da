import {
  ConfigError,
  loadConfig,
  parseDatabaseUrl,
  parseRedisUrl,
  parseRoles,
} from './load-config';

describe('loadConfig', () => {
  it('applies the pinned defaults', () => {
    const config = loadConfig({}, '/srv/loa-xa');
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ driver: 'sqlite', file: '/srv/loa-xa/data/loa-xa.sqlite' });
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(config.mediaDir).toBe('/srv/loa-xa/media');
    expect([...config.roles]).toEqual(['api', 'worker', 'scheduler']);
    expect(config.playout.sink).toBe('null');
    expect(config.playout.lateToleranceMs).toBe(60000);
    expect(config.audio).toMatchObject({
      targetLufs: -16,
      truePeakDbtp: -1.5,
      lra: 11,
      maxUploadBytes: 200 * 1024 * 1024,
      maxDurationSeconds: 7200,
      quotaBytes: 5 * 1024 ** 3,
      workMaxBytes: 4 * 1024 ** 3,
    });
  });

  it('reads the media limits and refuses nonsense', () => {
    const config = loadConfig({
      MEDIA_MAX_DURATION_SECONDS: '600',
      MEDIA_COMMUNE_QUOTA_BYTES: '1048576',
      MEDIA_WORK_MAX_BYTES: '104857600',
    });
    expect(config.audio).toMatchObject({
      maxDurationSeconds: 600,
      quotaBytes: 1048576,
      workMaxBytes: 104857600,
    });
    expect(() => loadConfig({ MEDIA_MAX_DURATION_SECONDS: '0' })).toThrow(
      /MEDIA_MAX_DURATION_SECONDS/,
    );
    expect(() => loadConfig({ MEDIA_COMMUNE_QUOTA_BYTES: 'much' })).toThrow(
      /MEDIA_COMMUNE_QUOTA_BYTES/,
    );
  });

  it('reads every pinned variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://loa:secret@db:5432/loa_xa',
        REDIS_URL: 'redis://:pw@redis:6380/4',
        MEDIA_DIR: '/data/media',
        PLAYOUT_SINK: 'file',
        APP_ROLES: 'worker',
        PLAYOUT_LATE_TOLERANCE_MS: '5000',
        ADMIN_USERNAME: 'quantri',
        ADMIN_PASSWORD: 'mat-khau-dai',
      },
      '/srv',
    );
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({
      driver: 'postgres',
      url: 'postgres://loa:secret@db:5432/loa_xa',
    });
    expect(config.redis).toMatchObject({ host: 'redis', port: 6380, db: 4, password: 'pw' });
    expect(config.mediaDir).toBe('/data/media');
    expect(config.playout.sink).toBe('file');
    expect([...config.roles]).toEqual(['worker']);
    expect(config.playout.lateToleranceMs).toBe(5000);
    expect(config.auth).toMatchObject({ adminUsername: 'quantri', adminPassword: 'mat-khau-dai' });
  });

  it('names every bad variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        PLAYOUT_SINK: 'loa',
        APP_ROLES: 'api,radio',
        DATABASE_URL: 'mysql://x',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('PLAYOUT_SINK');
    expect(message).toContain('APP_ROLES');
    expect(message).toContain('DATABASE_URL');
  });

  it('refuses production without the first admin', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /ADMIN_USERNAME and ADMIN_PASSWORD/,
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        ADMIN_USERNAME: 'quantri',
        ADMIN_PASSWORD: 'mat-khau-dai',
      }),
    ).not.toThrow();
  });

  it('gives development a documented first admin', () => {
    expect(loadConfig({}).auth).toMatchObject({
      adminUsername: 'admin',
      adminPassword: 'loa-xa-admin',
    });
  });

  it('refuses a short JWT secret and out-of-range numbers', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be between/);
    expect(() => loadConfig({ AUDIO_TARGET_LUFS: '3' })).toThrow(/AUDIO_TARGET_LUFS/);
  });
});

describe('parseDatabaseUrl', () => {
  it('resolves a relative SQLite path against the working folder', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.sqlite', '/srv')).toEqual({
      driver: 'sqlite',
      file: '/srv/data/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:/abs/x.sqlite', '/srv')).toEqual({
      driver: 'sqlite',
      file: '/abs/x.sqlite',
    });
  });

  it('accepts postgres:// and postgresql://, refuses the rest', () => {
    expect(parseDatabaseUrl('postgresql://h/db', '/')).toMatchObject({ driver: 'postgres' });
    expect(() => parseDatabaseUrl('mysql://h/db', '/')).toThrow(/DATABASE_URL/);
    expect(() => parseDatabaseUrl('sqlite:', '/')).toThrow(/file path/);
  });
});

describe('parseRedisUrl', () => {
  it('honours the database index suffix', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/11', 'p')).toMatchObject({ db: 11, prefix: 'p' });
    expect(parseRedisUrl('redis://127.0.0.1', 'p')).toMatchObject({ db: 0, port: 6379 });
  });

  it('refuses other schemes and bad indexes', () => {
    expect(() => parseRedisUrl('http://x', 'p')).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('redis://x/99', 'p')).toThrow(/0 to 15/);
  });
});

describe('parseRoles', () => {
  it('takes any combination of the three roles', () => {
    expect([...parseRoles('scheduler, api')]).toEqual(['scheduler', 'api']);
    expect(() => parseRoles('')).toThrow(/APP_ROLES/);
    expect(() => parseRoles('api,web')).toThrow(/APP_ROLES/);
  });
});
