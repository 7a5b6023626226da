import mqtt, { MqttClient } from 'mqtt';
import {
  deviceTopic,
  encodeMessage,
  LAST_WILL,
  parseCommand,
  StatusMessage,
} from '../src/fleet/protocol';

/**
 * Simulated speaker clusters of the fleet benchmark (bench/fleet.bench.ts), in a forked process
 * of their own so their CPU is not the measured process's. Each is a real mqtt.js client as
 * docs/device-protocol.md has it (client id = device id, keepalive ≤ 30 s, retained Last Will),
 * subscribed to its commands (QoS 1), acknowledging each at once, and publishing a full status
 * (QoS 1, retained) every `intervalMs`, the fleet's devices spread evenly over the interval.
 */
export interface BenchDevice {
  deviceId: string;
  communeCode: string;
  password: string;
  /** Its place in the whole fleet (0 … total − 1): its phase in the status interval. */
  index: number;
}

export type DevicesRequest =
  | {
      type: 'connect';
      url: string;
      devices: BenchDevice[];
      keepaliveSeconds: number;
      connectPerSecond: number;
    }
  | { type: 'start-status'; t0: number; intervalMs: number; total: number }
  | { type: 'stop-status' }
  | { type: 'acks' }
  | { type: 'close' };

export interface ConnectedReport {
  type: 'connected';
  connected: number;
  /** Clients that got no CONNACK within the connect timeout, or were refused. */
  failed: number;
  ms: number;
}

export interface StoppedReport {
  type: 'stopped';
  /** Per device, the machine-clock time (ms) it sent its last status that the broker took. */
  lastSent: [string, number][];
  published: number;
  acknowledged: number;
  failed: number;
  /** Connections that closed after the initial connect (and reconnected). */
  dropped: number;
}

export interface AckRecord {
  deviceId: string;
  commandId: string;
  type: string;
  receivedAt: number;
  ackSentAt: number;
}

export interface AcksReport {
  type: 'acks';
  acks: AckRecord[];
}

interface Live {
  device: BenchDevice;
  client: MqttClient;
  statusTopic: string;
}

const live: Live[] = [];
const timers: NodeJS.Timeout[] = [];
const lastSent = new Map<string, number>();
const acks: AckRecord[] = [];
let published = 0;
let acknowledged = 0;
let failed = 0;
let dropped = 0;
let inFlight = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(message: ConnectedReport | StoppedReport | AcksReport): void {
  process.send?.(message);
}

function connectOne(url: string, device: BenchDevice, keepalive: number): Promise<Live | null> {
  const statusTopic = deviceTopic(device.communeCode, device.deviceId, 'status');
  const cmdTopic = deviceTopic(device.communeCode, device.deviceId, 'cmd');
  const ackTopic = deviceTopic(device.communeCode, device.deviceId, 'ack');
  const client = mqtt.connect(url, {
    clientId: device.deviceId,
    username: device.deviceId,
    password: device.password,
    keepalive,
    // As a box on a weak link does: try again, every few seconds.
    reconnectPeriod: 3000,
    connectTimeout: 30_000,
    will: { topic: statusTopic, payload: encodeMessage(LAST_WILL), qos: 1, retain: true },
  });
  client.on('message', (topic, payload) => {
    if (topic !== cmdTopic) return;
    const receivedAt = Date.now();
    const command = parseCommand(payload);
    if (!command.ok) return;
    const ackSentAt = Date.now();
    acks.push({
      deviceId: device.deviceId,
      commandId: command.value.id,
      type: command.value.type,
      receivedAt,
      ackSentAt,
    });
    client.publish(ackTopic, encodeMessage({ id: command.value.id, ok: true }), { qos: 1 });
  });
  client.on('error', () => undefined);
  return new Promise((resolve) => {
    let first = true;
    client.on('connect', () => {
      if (!first) return;
      first = false;
      client.subscribe(cmdTopic, { qos: 1 }, (error) => {
        if (error) {
          client.end(true);
          resolve(null);
        } else {
          client.on('close', () => (dropped += 1));
          resolve({ device, client, statusTopic });
        }
      });
    });
    setTimeout(() => {
      if (!first) return;
      first = false;
      client.end(true);
      resolve(null);
    }, 35_000);
  });
}

async function connectAll(
  url: string,
  devices: BenchDevice[],
  keepalive: number,
  perSecond: number,
): Promise<void> {
  const started = Date.now();
  const pending: Promise<Live | null>[] = [];
  const batch = Math.max(1, Math.round(perSecond / 10));
  for (let i = 0; i < devices.length; i += batch) {
    for (const device of devices.slice(i, i + batch)) {
      pending.push(connectOne(url, device, keepalive));
    }
    await sleep(100);
  }
  const results = await Promise.all(pending);
  for (const result of results) if (result) live.push(result);
  send({
    type: 'connected',
    connected: live.length,
    failed: results.length - live.length,
    ms: Date.now() - started,
  });
}

function publishStatus(entry: Live): void {
  const sentAt = Date.now();
  const status: StatusMessage = {
    status: 'online',
    ts: new Date(sentAt).toISOString(),
    cachedUntil: new Date(sentAt + 72 * 3600_000).toISOString(),
    volume: 70,
    power: 'on',
    version: 'bench-1.0.0',
    clockSkewMs: (entry.device.index % 200) - 100,
    playing: null,
  };
  published += 1;
  inFlight += 1;
  entry.client.publish(
    entry.statusTopic,
    encodeMessage(status),
    { qos: 1, retain: true },
    (error) => {
      inFlight -= 1;
      if (error) {
        failed += 1;
        return;
      }
      acknowledged += 1;
      lastSent.set(
        entry.device.deviceId,
        Math.max(lastSent.get(entry.device.deviceId) ?? 0, sentAt),
      );
    },
  );
}

function startStatus(t0: number, intervalMs: number, total: number): void {
  for (const entry of live) {
    const first = t0 + Math.floor((entry.device.index / total) * intervalMs);
    timers.push(
      setTimeout(
        () => {
          publishStatus(entry);
          timers.push(setInterval(() => publishStatus(entry), intervalMs));
        },
        Math.max(0, first - Date.now()),
      ),
    );
  }
}

async function stopStatus(): Promise<void> {
  for (const timer of timers) clearTimeout(timer);
  timers.length = 0;
  for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 50) await sleep(50);
  send({
    type: 'stopped',
    lastSent: [...lastSent],
    published,
    acknowledged,
    failed,
    dropped,
  });
}

process.on('message', (request: DevicesRequest) => {
  switch (request.type) {
    case 'connect':
      void connectAll(
        request.url,
        request.devices,
        request.keepaliveSeconds,
        request.connectPerSecond,
      );
      break;
    case 'start-status':
      startStatus(request.t0, request.intervalMs, request.total);
      break;
    case 'stop-status':
      void stopStatus();
      break;
    case 'acks':
      send({ type: 'acks', acks });
      break;
    case 'close':
      void Promise.all(live.map((entry) => entry.client.endAsync(true).catch(() => undefined)))
        .catch(() => undefined)
        .finally(() => process.exit(0));
      break;
  }
});
