import {
  ConfigError,
  loadConfig,
  parseDatabaseUrl,
  parseRedisUrl,
  parseRoles,
  parseTrustedProxies,
} from './load-config';

describe('loadConfig', () => {
  it('applies the pinned defaults', () => {
    const config = loadConfig({}, '/srv/loa-xa');
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ driver: 'sqlite', file: '/srv/loa-xa/data/loa-xa.sqlite' });
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(config.mediaDir).toBe('/srv/loa-xa/media');
    expect(config.checkpoints).toEqual({
      keyFile: '/srv/loa-xa/data/checkpoint-key.pem',
      journalFile: '/srv/loa-xa/data/checkpoints.jsonl',
      everyHours: 24,
    });
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

  it('reads the default broadcast policy, quiet hours across midnight or none', () => {
    expect(loadConfig({}).policyDefaults).toEqual({
      quietHours: { from: '21:30', to: '05:30' },
      maxSessionMinutes: 60,
      maxDailyMinutes: 240,
      unattendedRelaysAtNight: false,
    });
    const custom = loadConfig({
      POLICY_DEFAULT_QUIET_HOURS: 'none',
      POLICY_DEFAULT_MAX_SESSION_MINUTES: '45',
      POLICY_DEFAULT_UNATTENDED_RELAYS_AT_NIGHT: 'true',
    }).policyDefaults;
    expect(custom).toMatchObject({
      quietHours: null,
      maxSessionMinutes: 45,
      unattendedRelaysAtNight: true,
    });
    expect(() => loadConfig({ POLICY_DEFAULT_QUIET_HOURS: '22:00' })).toThrow(
      /POLICY_DEFAULT_QUIET_HOURS/,
    );
    expect(() => loadConfig({ POLICY_DEFAULT_QUIET_HOURS: '22:00-22:00' })).toThrow(
      /POLICY_DEFAULT_QUIET_HOURS/,
    );
  });

  it('keeps the checkpoint journal next to the key unless told otherwise', () => {
    expect(
      loadConfig({ CHECKPOINT_KEY_FILE: '/keys/checkpoint-key.pem' }, '/srv/loa-xa').checkpoints,
    ).toMatchObject({
      keyFile: '/keys/checkpoint-key.pem',
      journalFile: '/keys/checkpoints.jsonl',
    });
    expect(
      loadConfig({ CHECKPOINT_JOURNAL_FILE: 'journal/cp.jsonl' }, '/srv/loa-xa').checkpoints
        .journalFile,
    ).toBe('/srv/loa-xa/journal/cp.jsonl');
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

  it('serves the API docs in development, not in production unless API_DOCS says so', () => {
    expect(loadConfig({}).http.apiDocs).toBe('on');
    const production = {
      NODE_ENV: 'production',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'x'.repeat(12),
    };
    expect(loadConfig(production).http.apiDocs).toBe('off');
    expect(loadConfig({ ...production, API_DOCS: 'admin' }).http.apiDocs).toBe('admin');
    expect(loadConfig({ ...production, API_DOCS: 'on' }).http.apiDocs).toBe('on');
    expect(() => loadConfig({ API_DOCS: 'public' })).toThrow(
      /API_DOCS must be one of on, off, admin/,
    );
  });

  it('bounds JSON bodies and the requests in flight by default, as configured', () => {
    expect(loadConfig({}).http).toMatchObject({
      jsonLimitBytes: 100 * 1024,
      jsonMaxDepth: 32,
      maxInFlight: 64,
      maxQueued: 128,
      queueTimeoutMs: 2000,
    });
    expect(
      loadConfig({ HTTP_MAX_IN_FLIGHT: '8', HTTP_MAX_QUEUED: '0', HTTP_JSON_MAX_DEPTH: '16' }).http,
    ).toMatchObject({ maxInFlight: 8, maxQueued: 0, jsonMaxDepth: 16 });
    expect(() => loadConfig({ HTTP_MAX_IN_FLIGHT: '0' })).toThrow(/HTTP_MAX_IN_FLIGHT/);
  });
});

describe('login and secrets', () => {
  it('limits failed logins per address to 20 in 10 minutes and trusts no proxy by default', () => {
    const config = loadConfig({}, '/srv/loa-xa');
    expect(config.auth).toMatchObject({
      loginThrottleLimit: 20,
      loginThrottleTtlSeconds: 600,
      passwordHashWorkers: 1,
      jwtSecretFile: '/srv/loa-xa/data/jwt-secret',
    });
    expect(config.http.trustedProxies).toEqual([]);
  });

  it('keeps the JWT secret file next to the SQLite file, or where JWT_SECRET_FILE says', () => {
    expect(
      loadConfig({ DATABASE_URL: 'sqlite:/var/lib/loa-xa/db.sqlite' }, '/srv').auth.jwtSecretFile,
    ).toBe('/var/lib/loa-xa/jwt-secret');
    expect(
      loadConfig({ DATABASE_URL: 'postgres://db/loa', JWT_SECRET_FILE: 'secrets/jwt' }, '/srv').auth
        .jwtSecretFile,
    ).toBe('/srv/secrets/jwt');
  });

  it('reads TRUSTED_PROXIES and refuses what is not an address, a range or a name', () => {
    expect(parseTrustedProxies('10.0.0.1, 192.168.0.0/16,::1,loopback')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
      'loopback',
    ]);
    expect(parseTrustedProxies('')).toEqual([]);
    for (const bad of ['*', 'true', 'proxy.local', '10.0.0.0/33', '10.0.0.1/8/1']) {
      expect(() => parseTrustedProxies(bad)).toThrow(/TRUSTED_PROXIES/);
    }
    expect(() => loadConfig({ TRUSTED_PROXIES: 'all' })).toThrow(ConfigError);
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

describe('fleet settings', () => {
  it('runs the embedded broker on 1883 with day-long enrolment codes by default', () => {
    const config = loadConfig({});
    expect(config.fleet).toMatchObject({
      mqttUrl: undefined,
      mqttPort: 1883,
      mqttHost: '0.0.0.0',
      mqttPublicUrl: undefined,
      enrolmentMinutes: 1440,
      manifestHours: 72,
      statusWriteMs: 1000,
      silentAfterSeconds: 90,
    });
    expect(loadConfig({ DEVICE_MANIFEST_HOURS: '24' }).fleet.manifestHours).toBe(24);
    expect(loadConfig({ DEVICE_SILENT_AFTER_SECONDS: '3' }).fleet.silentAfterSeconds).toBe(3);
    expect(() => loadConfig({ DEVICE_SILENT_AFTER_SECONDS: '0' })).toThrow(
      /DEVICE_SILENT_AFTER_SECONDS/,
    );
    expect(() => loadConfig({ DEVICE_MANIFEST_HOURS: '0' })).toThrow(/DEVICE_MANIFEST_HOURS/);
    expect(() => loadConfig({ DEVICE_STATUS_WRITE_MS: '0' })).toThrow(/DEVICE_STATUS_WRITE_MS/);
  });

  it('reads an external broker, port 0 for tests, and refuses what is not an MQTT URL', () => {
    const config = loadConfig({
      MQTT_URL: 'mqtt://loa-xa:secret@broker.example:1883',
      MQTT_PORT: '0',
      DEVICE_ENROLMENT_MINUTES: '5',
    });
    expect(config.fleet).toMatchObject({
      mqttUrl: 'mqtt://loa-xa:secret@broker.example:1883',
      mqttPort: 0,
      enrolmentMinutes: 5,
    });
    expect(() => loadConfig({ MQTT_URL: 'http://broker.example' })).toThrow(/MQTT_URL/);
    expect(() => loadConfig({ MQTT_PUBLIC_URL: 'nonsense' })).toThrow(/MQTT_PUBLIC_URL/);
    expect(() => loadConfig({ MQTT_PORT: '70000' })).toThrow(/MQTT_PORT/);
    expect(() => loadConfig({ DEVICE_ENROLMENT_MINUTES: '0' })).toThrow(/DEVICE_ENROLMENT_MINUTES/);
    expect(() => loadConfig({ MQTT_DEVICE_AUTH: 'mosquitto-dynsec' })).toThrow(/MQTT_URL/);
    expect(() => loadConfig({ MQTT_DEVICE_AUTH: 'ldap' })).toThrow(/MQTT_DEVICE_AUTH/);
    expect(loadConfig({}).alerts).toEqual({ offlineGraceSeconds: 60, sweepSeconds: 20 });
    expect(
      loadConfig({ ALERT_OFFLINE_GRACE_SECONDS: '0', ALERT_SWEEP_SECONDS: '5' }).alerts,
    ).toEqual({ offlineGraceSeconds: 0, sweepSeconds: 5 });
    expect(() => loadConfig({ ALERT_SWEEP_SECONDS: '0' })).toThrow(/ALERT_SWEEP_SECONDS/);
    expect(() => loadConfig({ ALERT_OFFLINE_GRACE_SECONDS: 'x' })).toThrow(
      /ALERT_OFFLINE_GRACE_SECONDS/,
    );
    expect(
      loadConfig({ MQTT_URL: 'mqtt://broker:1883', MQTT_DEVICE_AUTH: 'mosquitto-dynsec' }).fleet
        .deviceAuth,
    ).toBe('mosquitto-dynsec');
  });
});
