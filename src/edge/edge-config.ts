import { isAbsolute, join, resolve } from 'node:path';
import { PLAYOUT_SINK_NAMES, PlayoutSinkName } from '../config/app-config';
import { ConfigError, Env, EnvReader, parseMqttUrl } from '../config/load-config';
import type { SinkSettings } from '../playout/sinks/sink-targets';

export const EDGE_CONFIG = Symbol('EDGE_CONFIG');

/** The edge player's settings (README, "The edge player"), validated once at start. */
export interface EdgeConfig {
  /** The server's origin, `http://host:3000` (no `/api/v1`). */
  serverUrl: string;
  /** Used at the first start only, to enrol. */
  enrolmentCode?: string;
  /** Local state (SQLite), the key, identity.json and the audio cache. */
  dataDir: string;
  sink: PlayoutSinkName;
  sinkSettings: SinkSettings;
  /** An item whose start passed by more than this is `missed`, never played late. */
  lateToleranceMs: number;
  /** How long before an item's start the player checks its audio and opens the sink. */
  prerollMs: number;
  /** The station's loudness target: relays are brought to it on the fly. */
  targetLufs: number;
  /** Output below −50 LUFS this long is dead air: a relay fails over. */
  deadAirMs: number;
  /** The manifest is fetched this often (and on `sync`, on start, on reconnecting). */
  syncIntervalMs: number;
  /** Status is published at least this often while connected. */
  statusIntervalMs: number;
  /** Overrides the broker URL given at enrolment (a box behind another route to the broker). */
  mqttUrl?: string;
  /** MQTT keepalive, at most 30 s (the protocol's limit). */
  keepaliveSeconds: number;
  /** Longest wait between two attempts to reach the broker or the server. */
  maxBackoffMs: number;
  ffmpeg: { ffmpegPath?: string; ffprobePath?: string; timeoutMs: number };
  version: string;
}

/** `EDGE_SERVER_URL`: an http(s) origin without a path (the player adds `/api/v1`). */
export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`EDGE_SERVER_URL must be an http:// or https:// origin, got "${value}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.hostname === '') {
    throw new Error(`EDGE_SERVER_URL must be an http:// or https:// origin, got "${value}"`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new Error(
      `EDGE_SERVER_URL is the server's origin only (like http://host:3000, no /api/v1), got "${value}"`,
    );
  }
  return url.origin;
}

/** Reads the edge player's environment, or throws a ConfigError naming every bad variable. */
export function loadEdgeConfig(env: Env, version: string, cwd = process.cwd()): EdgeConfig {
  const read = new EnvReader(env);
  const problems = read.problems;
  const rawServer = read.optional('EDGE_SERVER_URL');
  let serverUrl = '';
  if (rawServer === undefined) problems.push('EDGE_SERVER_URL is required (the server origin)');
  else {
    try {
      serverUrl = parseServerUrl(rawServer);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const rawDataDir = read.optional('EDGE_DATA_DIR');
  if (rawDataDir === undefined) {
    problems.push('EDGE_DATA_DIR is required (the folder of the player’s state and cache)');
  }
  const dataDir = resolvePath(cwd, rawDataDir ?? 'edge-data');
  let mqttUrl: string | undefined;
  const rawMqtt = read.optional('EDGE_MQTT_URL');
  if (rawMqtt !== undefined) {
    try {
      mqttUrl = parseMqttUrl('EDGE_MQTT_URL', rawMqtt);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const config: EdgeConfig = {
    serverUrl,
    enrolmentCode: read.optional('EDGE_ENROLMENT_CODE'),
    dataDir,
    sink: read.oneOf<PlayoutSinkName>('PLAYOUT_SINK', PLAYOUT_SINK_NAMES, 'device'),
    sinkSettings: {
      archiveDir: resolvePath(cwd, read.string('PLAYOUT_ARCHIVE_DIR', join(dataDir, 'archive'))),
      device: read.string('PLAYOUT_DEVICE', 'alsa:default'),
      icecastUrl: read.string(
        'PLAYOUT_ICECAST_URL',
        'icecast://source:hackme@127.0.0.1:8000/{commune}.mp3',
      ),
      bitrateKbps: read.int('AUDIO_BITRATE_KBPS', 128, 32, 320),
    },
    lateToleranceMs: read.int('PLAYOUT_LATE_TOLERANCE_MS', 60000, 0, 24 * 3600 * 1000),
    prerollMs: read.int('PLAYOUT_PREROLL_MS', 3000, 500, 60000),
    targetLufs: read.number('AUDIO_TARGET_LUFS', -16, -70, -5),
    deadAirMs: read.int('PLAYOUT_DEAD_AIR_SECONDS', 8, 2, 600) * 1000,
    syncIntervalMs: read.int('EDGE_SYNC_SECONDS', 300, 5, 24 * 3600) * 1000,
    statusIntervalMs: read.int('EDGE_STATUS_SECONDS', 30, 1, 60) * 1000,
    mqttUrl,
    keepaliveSeconds: read.int('EDGE_MQTT_KEEPALIVE_SECONDS', 30, 1, 30),
    maxBackoffMs: read.int('EDGE_MAX_BACKOFF_SECONDS', 60, 1, 3600) * 1000,
    ffmpeg: {
      ffmpegPath: read.optional('FFMPEG_PATH'),
      ffprobePath: read.optional('FFPROBE_PATH'),
      timeoutMs: read.int('FFMPEG_TIMEOUT_MS', 10 * 60 * 1000, 1000, 6 * 3600 * 1000),
    },
    version: `loa-xa-edge ${version}`,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
