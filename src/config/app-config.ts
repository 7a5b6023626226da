import type { BroadcastPolicy } from '../schedule/broadcast-policy';
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

export const MQTT_DEVICE_AUTH_MODES = ['none', 'mosquitto-dynsec'] as const;
export type MqttDeviceAuth = (typeof MQTT_DEVICE_AUTH_MODES)[number];

export const API_DOCS_MODES = ['on', 'off', 'admin'] as const;
export type ApiDocsMode = (typeof API_DOCS_MODES)[number];

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  http: {
    /** Largest JSON body of a route without a limit of its own (`@JsonBodyLimit`). */
    jsonLimitBytes: number;
    /** Deepest nesting of objects and arrays accepted in a JSON body. */
    jsonMaxDepth: number;
    /** Requests served at once by this process (health excepted); more wait in a queue. */
    maxInFlight: number;
    /** Requests waiting for a slot; past this, 503 with Retry-After at once. */
    maxQueued: number;
    /** A request that waited this long for a slot gets 503 with Retry-After. */
    queueTimeoutMs: number;
    /** `/api/docs` and `/api/docs-json`: public, absent, or for admins' tokens only. */
    apiDocs: ApiDocsMode;
    /**
     * Proxies whose `X-Forwarded-For` is believed (addresses, CIDR ranges or Express's names
     * `loopback`, `linklocal`, `uniquelocal`); empty: the socket address is the client.
     */
    trustedProxies: string[];
  };
  roles: ReadonlySet<AppRole>;
  logLevel: string;
  configDir: string;
  mediaDir: string;
  database: DatabaseConfig;
  redis: RedisConfig;
  auth: {
    adminUsername?: string;
    adminPassword?: string;
    /** When absent, the secret is read from `jwtSecretFile` (generated there at first start). */
    jwtSecret?: string;
    /** File holding the JWT secret (mode 0600), never the database. */
    jwtSecretFile: string;
    jwtTtlSeconds: number;
    /** Failed logins allowed per client address in `loginThrottleTtlSeconds`, whatever the usernames. */
    loginThrottleLimit: number;
    loginThrottleTtlSeconds: number;
    /** Failures of one username (from any address) before each next attempt must wait. */
    loginUsernameFreeFailures: number;
    /** The first wait; it doubles with every further failure, up to the maximum. */
    loginUsernameBaseDelaySeconds: number;
    loginUsernameMaxDelaySeconds: number;
    /** log2 of scrypt's cost parameter N. */
    passwordCost: number;
    /** Worker threads that hash passwords (never the libuv pool the database driver uses). */
    passwordHashWorkers: number;
    /** Hashes waiting for a worker; past it a login is refused at once with 503. */
    passwordHashQueue: number;
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
  /**
   * The broadcast policy a province has before it sets its own (src/schedule/broadcast-policy.ts):
   * POLICY_DEFAULT_QUIET_HOURS (`21:30-05:30`, or `none`), POLICY_DEFAULT_MAX_SESSION_MINUTES,
   * POLICY_DEFAULT_MAX_DAILY_MINUTES, POLICY_DEFAULT_UNATTENDED_RELAYS_AT_NIGHT.
   */
  policyDefaults: BroadcastPolicy;
  playout: {
    sink: PlayoutSinkName;
    lateToleranceMs: number;
    horizonHours: number;
    reconcileSeconds: number;
    archiveDir: string;
    /** The player takes an item this long before its start, to spawn its processes and wait. */
    prerollMs: number;
    /**
     * A commune with devices: an item's record waits for every targeted device's receipt, or
     * this long after the item's end (PLAYOUT_RECEIPT_GRACE_MINUTES).
     */
    receiptGraceMinutes: number;
    /** Sink of particular communes, overriding `sink` (PLAYOUT_SINK_BY_COMMUNE). */
    sinkByCommune: ReadonlyMap<string, PlayoutSinkName>;
    /** `alsa:<device>` or `pulse:<device>` for the `device` sink. */
    device: string;
    /** `icecast://user:pass@host:port/{commune}.mp3` for the `icecast` sink. */
    icecastUrl: string;
    /** Plays one worker runs at once (each holds two small ffmpeg processes). */
    concurrency: number;
    /** Output quieter than −50 LUFS (short-term) this long is dead air (PLAYOUT_DEAD_AIR_SECONDS). */
    deadAirSeconds: number;
    /**
     * A commune's continuous output writes this far ahead of real time (PLAYOUT_OUTPUT_LEAD_MS):
     * an event loop held up for less than this never delays a start or leaves a gap.
     */
    outputLeadMs: number;
    /**
     * When the player takes an item, it also claims the commune's items starting within this
     * much (PLAYOUT_CLAIM_AHEAD_MS, 0: off) in one write and plays them from its own timers, so
     * their claims never wait on the database at their preroll.
     */
    claimAheadMs: number;
  };
  sources: {
    /**
     * Hosts (names or addresses, lower case) a relay source may name although they are internal
     * (loopback, private, link-local): SOURCES_ALLOWED_HOSTS, comma-separated; empty by default.
     */
    allowedHosts: string[];
    /**
     * DNS servers (`address[:port]`) that resolve source hosts instead of the system resolver:
     * SOURCES_DNS_SERVERS, comma-separated; empty (the system's) by default.
     */
    dnsServers: string[];
    /** A source check (probe and 10 s of loudness) gives up after this (SOURCES_CHECK_TIMEOUT_MS). */
    checkTimeoutMs: number;
  };
  live: {
    /** The longest live announcement; the output stops there (LIVE_MAX_MINUTES, in seconds). */
    maxSeconds: number;
  };
  reports: {
    /** Every so often the roll-ups catch up with records written around them. */
    rollupCatchUpMinutes: number;
    /** Every so often the hash chains that grew since their last verification are verified. */
    chainCheckMinutes: number;
    /** Every so often every hash chain is verified again (catches rows edited in place). */
    chainFullCheckHours: number;
    /** Folders searched, in order, for Liberation Serif and Mono (official PDF reports). */
    fontDirs: string[];
    /** The key (generated at first use, mode 0600) that encrypts the signing certificate's password. */
    signingKeyFile: string;
    /** How often the statistics feed's finished days are looked for and pushed. */
    statsPushMinutes: number;
    /** How many finished days back a correction still makes a new revision of a pushed day. */
    statsPushLookbackDays: number;
    /** The first wait before a failed push is tried again (doubling each time). */
    statsPushRetryMs: number;
  };
  fleet: {
    /**
     * An external broker (`mqtt://user:password@host:port`, `mqtts://…`) the service uses as a
     * client; absent: the `api` process runs its own broker on `mqttPort`.
     */
    mqttUrl?: string;
    /**
     * With `mqttUrl`: `mosquitto-dynsec` makes the service create and delete each device's broker
     * client through Mosquitto's dynamic security plugin; `none` leaves it to the broker's config.
     */
    deviceAuth: MqttDeviceAuth;
    /** Port of the embedded broker (0: any free port, for tests). */
    mqttPort: number;
    /** Address the embedded broker listens on. */
    mqttHost: string;
    /** The broker URL handed to devices at enrolment; default: the API's host name and `mqttPort`. */
    mqttPublicUrl?: string;
    /** Lifetime of an enrolment code. */
    enrolmentMinutes: number;
    /** How far ahead a device's manifest reaches (its items and their audio). */
    manifestHours: number;
    /** Statuses of devices online and steady are written together at most this often. */
    statusWriteMs: number;
    /**
     * A device unheard-of for longer than this is offline, as if its Last Will had come: a clean
     * DISCONNECT sends none, and a device sends a status at least every 60 s while it is online.
     */
    silentAfterSeconds: number;
    /** Failed enrolments allowed per client address in `enrolThrottleTtlSeconds`. */
    enrolThrottleLimit: number;
    enrolThrottleTtlSeconds: number;
  };
  /** Fleet alerts (src/fleet/alerts.service.ts). */
  alerts: {
    /**
     * How long an enrolled cluster may stay unheard-of inside an open on-air window before it
     * is an alert: a Last Will arrives up to 1.5 keepalives late, and a 3G link blinks.
     */
    offlineGraceSeconds: number;
    /** Every so often the scheduler role re-evaluates every device (time moves alerts too). */
    sweepSeconds: number;
  };
  checkpoints: {
    /** The Ed25519 private key (PKCS#8 PEM) that signs chain checkpoints; created when missing. */
    keyFile: string;
    /**
     * Append-only journal (one JSON line per signed checkpoint), outside the database: `verify`
     * checks the chains against its lines as well as the table's rows.
     */
    journalFile: string;
    /** Every so often every commune's chain head that moved is signed. */
    everyHours: number;
  };
}
