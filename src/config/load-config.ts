import { QuietHours, quietHoursProblem } from '../schedule/broadcast-policy';
import { passwordProblem } from '../auth/password-rule';
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  API_DOCS_MODES,
  APP_ROLE_NAMES,
  AppConfig,
  MQTT_DEVICE_AUTH_MODES,
  AppRole,
  DatabaseConfig,
  PLAYOUT_SINK_NAMES,
  PlayoutSinkName,
  RedisConfig,
} from './app-config';

export type Env = Record<string, string | undefined>;

/** Thrown at start when the environment is not usable; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads variables one by one and collects every problem instead of stopping at the first (the service's and the edge player's configuration). */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.raw(name);
    return value ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    return this.number(name, fallback, min, max, true);
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
      this.problems.push(`${name} must be ${integer ? 'an integer' : 'a number'}, got "${value}"`);
      return fallback;
    }
    if (parsed < min || parsed > max) {
      this.problems.push(`${name} must be between ${min} and ${max}, got ${parsed}`);
      return fallback;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }
}

/** `HH:mm-HH:mm` (may cross midnight) or `none`. */
export function parseQuietHours(value: string): QuietHours | null {
  if (value === 'none') return null;
  const [from, to] = value.split('-');
  const hours = { from: from ?? '', to: to ?? '' };
  const problem = quietHoursProblem(hours);
  if (problem) throw new Error(`POLICY_DEFAULT_QUIET_HOURS: ${problem} (HH:mm-HH:mm or none)`);
  return hours;
}

export function parseDatabaseUrl(url: string, cwd: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (file === '') throw new Error('DATABASE_URL sqlite: needs a file path');
    return { driver: 'sqlite', file: file === ':memory:' ? file : resolvePath(cwd, file) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    new URL(url);
    return { driver: 'postgres', url };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
}

export function parseRedisUrl(url: string, prefix: string): RedisConfig {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:') {
    throw new Error(`REDIS_URL must start with redis://, got "${url}"`);
  }
  const dbPart = parsed.pathname.replace(/^\//, '');
  const db = dbPart === '' ? 0 : Number(dbPart);
  if (!Number.isInteger(db) || db < 0 || db > 15) {
    throw new Error(`REDIS_URL database index must be 0 to 15, got "${dbPart}"`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    username: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    prefix,
  };
}

export function parseRoles(value: string): Set<AppRole> {
  const names = value
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  const unknown = names.filter((name) => !(APP_ROLE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`APP_ROLES must list some of ${APP_ROLE_NAMES.join(', ')}, got "${value}"`);
  }
  return new Set(names as AppRole[]);
}

/** `14797=file,14758=device` → a sink per commune code. */
export function parseSinkByCommune(value: string): Map<string, PlayoutSinkName> {
  const sinks = new Map<string, PlayoutSinkName>();
  for (const pair of value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const match = /^(\d{5})\s*=\s*(\w+)$/.exec(pair);
    if (!match || !(PLAYOUT_SINK_NAMES as readonly string[]).includes(match[2])) {
      throw new Error(
        `PLAYOUT_SINK_BY_COMMUNE must list <commune>=<${PLAYOUT_SINK_NAMES.join('|')}>, got "${pair}"`,
      );
    }
    sinks.set(match[1], match[2] as PlayoutSinkName);
  }
  return sinks;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** `TRUSTED_PROXIES`: addresses, CIDR ranges or Express's names, comma-separated. */
export function parseTrustedProxies(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (PROXY_NAMES.includes(entry)) continue;
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new Error(
        `TRUSTED_PROXIES must list IP addresses, CIDR ranges or ${PROXY_NAMES.join('/')}, got "${entry}"`,
      );
    }
  }
  return entries;
}

/** `MQTT_URL`, `MQTT_PUBLIC_URL`: an mqtt:// or mqtts:// URL with a host. */
export function parseMqttUrl(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${name} must be an mqtt:// or mqtts:// URL, got "${url}"`);
  }
  if (!['mqtt:', 'mqtts:'].includes(parsed.protocol) || parsed.hostname === '') {
    throw new Error(
      `${name} must be an mqtt:// or mqtts:// URL with a host, got "${parsed.protocol}…"`,
    );
  }
  return url;
}

/** Where generated secrets live by default: next to the SQLite file, else `./data`. */
/** Where Debian's fonts-liberation2 and fonts-liberation put Liberation Serif and Mono. */
const DEBIAN_FONT_DIRS = [
  '/usr/share/fonts/truetype/liberation2',
  '/usr/share/fonts/truetype/liberation',
];

function dataDir(database: DatabaseConfig, cwd: string): string {
  return database.driver === 'sqlite' && database.file !== ':memory:'
    ? dirname(database.file)
    : resolve(cwd, 'data');
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** Turns an environment into the typed configuration, or throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const read = new EnvReader(env);
  const problems = read.problems;
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development');
  const mediaDir = resolvePath(cwd, read.string('MEDIA_DIR', './media'));
  const checkpointKeyFile = resolvePath(
    cwd,
    read.string('CHECKPOINT_KEY_FILE', './data/checkpoint-key.pem'),
  );
  const adminUsername = read.optional('ADMIN_USERNAME');
  const adminPassword = read.optional('ADMIN_PASSWORD');
  if (nodeEnv === 'production' && (adminUsername === undefined || adminPassword === undefined)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD are required when NODE_ENV=production');
  }
  const adminPasswordProblem =
    adminPassword === undefined ? null : passwordProblem(adminPassword, 'ADMIN_PASSWORD');
  if (adminPasswordProblem) problems.push(adminPasswordProblem);
  const jwtSecret = read.optional('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }

  const database = attempt(
    () => parseDatabaseUrl(read.string('DATABASE_URL', 'sqlite:./data/loa-xa.sqlite'), cwd),
    { driver: 'sqlite', file: ':memory:' },
  );

  const config: AppConfig = {
    env: nodeEnv,
    port: read.int('PORT', 3000, 0, 65535),
    http: {
      jsonLimitBytes: read.int('HTTP_JSON_LIMIT_BYTES', 100 * 1024, 1024, 64 * 1024 * 1024),
      jsonMaxDepth: read.int('HTTP_JSON_MAX_DEPTH', 32, 4, 1000),
      maxInFlight: read.int('HTTP_MAX_IN_FLIGHT', 64, 1, 100000),
      maxQueued: read.int('HTTP_MAX_QUEUED', 128, 0, 100000),
      queueTimeoutMs: read.int('HTTP_QUEUE_TIMEOUT_MS', 2000, 10, 600000),
      apiDocs: read.oneOf('API_DOCS', API_DOCS_MODES, nodeEnv === 'production' ? 'off' : 'on'),
      trustedProxies: attempt(() => parseTrustedProxies(read.string('TRUSTED_PROXIES', '')), []),
    },
    roles: attempt(() => parseRoles(read.string('APP_ROLES', 'api,worker,scheduler')), new Set()),
    logLevel: read.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'warn' : 'info',
    ),
    configDir: resolvePath(cwd, read.string('CONFIG_DIR', './config')),
    mediaDir,
    database,
    redis: attempt(
      () =>
        parseRedisUrl(
          read.string('REDIS_URL', 'redis://127.0.0.1:6379'),
          read.string('REDIS_PREFIX', 'loa-xa'),
        ),
      { host: '127.0.0.1', port: 6379, db: 0, prefix: 'loa-xa' },
    ),
    auth: {
      adminUsername: adminUsername ?? (nodeEnv === 'production' ? undefined : 'admin'),
      adminPassword: adminPassword ?? (nodeEnv === 'production' ? undefined : 'loa-xa-admin'),
      jwtSecret,
      jwtSecretFile: resolvePath(
        cwd,
        read.string('JWT_SECRET_FILE', join(dataDir(database, cwd), 'jwt-secret')),
      ),
      jwtTtlSeconds: read.int('JWT_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600),
      loginThrottleLimit: read.int('LOGIN_THROTTLE_LIMIT', 20, 1, 100000),
      loginThrottleTtlSeconds: read.int('LOGIN_THROTTLE_TTL_SECONDS', 600, 1, 86400),
      loginUsernameFreeFailures: read.int('LOGIN_USERNAME_FREE_FAILURES', 5, 1, 1000),
      loginUsernameBaseDelaySeconds: read.int('LOGIN_USERNAME_BASE_DELAY_SECONDS', 1, 1, 3600),
      loginUsernameMaxDelaySeconds: read.int('LOGIN_USERNAME_MAX_DELAY_SECONDS', 900, 1, 86400),
      passwordCost: read.int('PASSWORD_SCRYPT_COST', 15, 10, 20),
      passwordHashWorkers: read.int('PASSWORD_HASH_WORKERS', 1, 1, 16),
      passwordHashQueue: read.int('PASSWORD_HASH_QUEUE', 8, 0, 1000),
    },
    ffmpeg: {
      ffmpegPath: read.optional('FFMPEG_PATH'),
      ffprobePath: read.optional('FFPROBE_PATH'),
      timeoutMs: read.int('FFMPEG_TIMEOUT_MS', 10 * 60 * 1000, 1000, 6 * 3600 * 1000),
    },
    audio: {
      maxUploadBytes: read.int('AUDIO_MAX_UPLOAD_BYTES', 200 * 1024 * 1024, 1024, 4 * 1024 ** 3),
      maxDurationSeconds: read.int('MEDIA_MAX_DURATION_SECONDS', 7200, 1, 24 * 3600),
      quotaBytes: read.int('MEDIA_COMMUNE_QUOTA_BYTES', 5 * 1024 ** 3, 1024, 2 ** 50),
      workMaxBytes: read.int('MEDIA_WORK_MAX_BYTES', 4 * 1024 ** 3, 1024 ** 2, 2 ** 50),
      targetLufs: read.number('AUDIO_TARGET_LUFS', -16, -70, -5),
      truePeakDbtp: read.number('AUDIO_TRUE_PEAK_DBTP', -1.5, -9, 0),
      lra: read.number('AUDIO_LRA', 11, 1, 50),
      bitrateKbps: read.int('AUDIO_BITRATE_KBPS', 128, 32, 320),
      workerConcurrency: read.int('AUDIO_WORKER_CONCURRENCY', availableParallelism(), 1, 64),
      ttsEngine: read.oneOf('TTS_ENGINE', ['espeak-ng'] as const, 'espeak-ng'),
      ttsMaxChars: read.int('TTS_MAX_CHARS', 5000, 10, 100000),
      espeakPath: read.optional('ESPEAK_PATH'),
    },
    schedule: {
      gapSeconds: read.int('SCHEDULE_GAP_SECONDS', 2, 0, 600),
      maxPlaysPerBulletinPerDay: read.int('PLANNER_MAX_PLAYS_PER_BULLETIN_PER_DAY', 3, 1, 100),
    },
    policyDefaults: {
      quietHours: attempt(
        () => parseQuietHours(read.string('POLICY_DEFAULT_QUIET_HOURS', '21:30-05:30')),
        null,
      ),
      maxSessionMinutes: read.int('POLICY_DEFAULT_MAX_SESSION_MINUTES', 60, 1, 1440),
      maxDailyMinutes: read.int('POLICY_DEFAULT_MAX_DAILY_MINUTES', 240, 1, 1440),
      unattendedRelaysAtNight:
        read.oneOf('POLICY_DEFAULT_UNATTENDED_RELAYS_AT_NIGHT', ['true', 'false'], 'false') ===
        'true',
    },
    playout: {
      sink: read.oneOf<PlayoutSinkName>('PLAYOUT_SINK', PLAYOUT_SINK_NAMES, 'null'),
      lateToleranceMs: read.int('PLAYOUT_LATE_TOLERANCE_MS', 60000, 0, 24 * 3600 * 1000),
      horizonHours: read.int('PLAYOUT_HORIZON_HOURS', 24, 1, 24 * 14),
      reconcileSeconds: read.int('PLAYOUT_RECONCILE_SECONDS', 10, 1, 30),
      archiveDir: resolvePath(cwd, read.string('PLAYOUT_ARCHIVE_DIR', join(mediaDir, 'archive'))),
      prerollMs: read.int('PLAYOUT_PREROLL_MS', 3000, 500, 60000),
      receiptGraceMinutes: read.int('PLAYOUT_RECEIPT_GRACE_MINUTES', 10, 0, 7 * 24 * 60),
      sinkByCommune: attempt(
        () => parseSinkByCommune(read.string('PLAYOUT_SINK_BY_COMMUNE', '')),
        new Map<string, PlayoutSinkName>(),
      ),
      device: read.string('PLAYOUT_DEVICE', 'alsa:default'),
      icecastUrl: read.string(
        'PLAYOUT_ICECAST_URL',
        'icecast://source:hackme@127.0.0.1:8000/{commune}.mp3',
      ),
      concurrency: read.int('PLAYOUT_CONCURRENCY', 64, 1, 1000),
      deadAirSeconds: read.int('PLAYOUT_DEAD_AIR_SECONDS', 8, 2, 600),
      outputLeadMs: read.int('PLAYOUT_OUTPUT_LEAD_MS', 500, 60, 5000),
      claimAheadMs: read.int('PLAYOUT_CLAIM_AHEAD_MS', 60000, 0, 3600 * 1000),
    },
    sources: {
      allowedHosts: read
        .string('SOURCES_ALLOWED_HOSTS', '')
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ''),
      dnsServers: read
        .string('SOURCES_DNS_SERVERS', '')
        .split(',')
        .map((server) => server.trim())
        .filter((server) => server !== ''),
      checkTimeoutMs: read.int('SOURCES_CHECK_TIMEOUT_MS', 20000, 2000, 120000),
    },
    live: {
      maxSeconds: read.int('LIVE_MAX_MINUTES', 30, 1, 240) * 60,
    },
    reports: {
      rollupCatchUpMinutes: read.int('REPORTS_ROLLUP_CATCH_UP_MINUTES', 15, 1, 24 * 60),
      chainCheckMinutes: read.int('REPORTS_CHAIN_CHECK_MINUTES', 10, 1, 24 * 60),
      chainFullCheckHours: read.int('REPORTS_CHAIN_FULL_CHECK_HOURS', 24, 1, 24 * 31),
      fontDirs: ((dir) => (dir === undefined ? DEBIAN_FONT_DIRS : [resolvePath(cwd, dir)]))(
        read.optional('REPORT_FONT_DIR'),
      ),
      signingKeyFile: resolvePath(
        cwd,
        read.string('SIGNING_KEY_FILE', join(dataDir(database, cwd), 'signing-key')),
      ),
      statsPushMinutes: read.int('STATS_PUSH_MINUTES', 15, 1, 24 * 60),
      statsPushLookbackDays: read.int('STATS_PUSH_LOOKBACK_DAYS', 35, 1, 366),
      statsPushRetryMs: read.int('STATS_PUSH_RETRY_MS', 30_000, 100, 3_600_000),
    },
    fleet: {
      mqttUrl: attempt(() => {
        const url = read.optional('MQTT_URL');
        return url === undefined ? undefined : parseMqttUrl('MQTT_URL', url);
      }, undefined),
      deviceAuth: read.oneOf('MQTT_DEVICE_AUTH', MQTT_DEVICE_AUTH_MODES, 'none'),
      mqttPort: read.int('MQTT_PORT', 1883, 0, 65535),
      mqttHost: read.string('MQTT_HOST', '0.0.0.0'),
      mqttPublicUrl: attempt(() => {
        const url = read.optional('MQTT_PUBLIC_URL');
        return url === undefined ? undefined : parseMqttUrl('MQTT_PUBLIC_URL', url);
      }, undefined),
      enrolmentMinutes: read.int('DEVICE_ENROLMENT_MINUTES', 1440, 1, 90 * 24 * 60),
      manifestHours: read.int('DEVICE_MANIFEST_HOURS', 72, 1, 31 * 24),
      statusWriteMs: read.int('DEVICE_STATUS_WRITE_MS', 1000, 10, 600000),
      silentAfterSeconds: read.int('DEVICE_SILENT_AFTER_SECONDS', 90, 1, 86400),
      enrolThrottleLimit: read.int('DEVICE_ENROL_THROTTLE_LIMIT', 20, 1, 100000),
      enrolThrottleTtlSeconds: read.int('DEVICE_ENROL_THROTTLE_TTL_SECONDS', 600, 1, 86400),
    },
    alerts: {
      offlineGraceSeconds: read.int('ALERT_OFFLINE_GRACE_SECONDS', 60, 0, 3600),
      sweepSeconds: read.int('ALERT_SWEEP_SECONDS', 20, 1, 600),
    },
    checkpoints: {
      keyFile: checkpointKeyFile,
      journalFile: resolvePath(
        cwd,
        read.string(
          'CHECKPOINT_JOURNAL_FILE',
          join(dirname(checkpointKeyFile), 'checkpoints.jsonl'),
        ),
      ),
      everyHours: read.int('CHECKPOINT_EVERY_HOURS', 24, 1, 24),
    },
  };
  if (config.fleet.deviceAuth !== 'none' && !config.fleet.mqttUrl) {
    problems.push('MQTT_DEVICE_AUTH applies to an external broker: set MQTT_URL too');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
