export const APP_CONFIG = Symbol('APP_CONFIG');

export const APP_ROLE_NAMES = ['api', 'worker', 'scheduler'] as const;
export type AppRole = (typeof APP_ROLE_NAMES)[number];

export const PLAYOUT_SINK_NAMES = ['null', 'file', 'device', 'icecast'] as const;
export type PlayoutSinkName = (typeof PLAYOUT_SINK_NAMES)[number];

export type DatabaseConfig =
  { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };

export interface RedisConfig {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** Key prefix for every BullMQ key, so several deployments can share one Redis. */
  prefix: string;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  roles: ReadonlySet<AppRole>;
  logLevel: string;
  configDir: string;
  mediaDir: string;
  database: DatabaseConfig;
  redis: RedisConfig;
  auth: {
    adminUsername?: string;
    adminPassword?: string;
    /** When absent, a secret is generated once and kept in the database. */
    jwtSecret?: string;
    jwtTtlSeconds: number;
    loginThrottleLimit: number;
    loginThrottleTtlSeconds: number;
    /** log2 of scrypt's cost parameter N. */
    passwordCost: number;
  };
  ffmpeg: {
    ffmpegPath?: string;
    ffprobePath?: string;
    timeoutMs: number;
  };
  audio: {
    maxUploadBytes: number;
    /** Longest recording accepted (MEDIA_MAX_DURATION_SECONDS): refused above, cut while decoding. */
    maxDurationSeconds: number;
    /** Stored originals and renditions of one owner (a commune or a province library). */
    quotaBytes: number;
    /** Bytes the processing runs of one worker process may hold in MEDIA_DIR/work at once. */
    workMaxBytes: number;
    targetLufs: number;
    truePeakDbtp: number;
    lra: number;
    bitrateKbps: number;
    workerConcurrency: number;
    ttsEngine: 'espeak-ng';
    ttsMaxChars: number;
    espeakPath?: string;
  };
  schedule: {
    gapSeconds: number;
    maxPlaysPerBulletinPerDay: number;
  };
  playout: {
    sink: PlayoutSinkName;
    lateToleranceMs: number;
    horizonHours: number;
    reconcileSeconds: number;
    archiveDir: string;
    /** The player takes an item this long before its start, to spawn its processes and wait. */
    prerollMs: number;
    /** Sink of particular communes, overriding `sink` (PLAYOUT_SINK_BY_COMMUNE). */
    sinkByCommune: ReadonlyMap<string, PlayoutSinkName>;
    /** `alsa:<device>` or `pulse:<device>` for the `device` sink. */
    device: string;
    /** `icecast://user:pass@host:port/{commune}.mp3` for the `icecast` sink. */
    icecastUrl: string;
    /** Plays one worker runs at once (each holds two small ffmpeg processes). */
    concurrency: number;
  };
  reports: {
    /** Every so often the roll-ups catch up with records written around them. */
    rollupCatchUpMinutes: number;
    /** Every so often the hash chains that grew since their last verification are verified. */
    chainCheckMinutes: number;
    /** Every so often every hash chain is verified again (catches rows edited in place). */
    chainFullCheckHours: number;
  };
}
