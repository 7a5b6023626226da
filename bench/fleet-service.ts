import type { AddressInfo } from 'node:net';
import { Env } from '../src/config/load-config';
import { secretMatches } from '../src/fleet/device-credentials';
import { EmbeddedBroker } from '../src/fleet/embedded-broker';
import { allDevicesFilter, isDeviceId } from '../src/fleet/protocol';

/**
 * The measured process of the fleet benchmark (bench/fleet.bench.ts), forked so that its CPU and
 * memory are its own (the devices and the benchmark's HTTP calls live in other processes):
 * - `service`: the whole service (API and its embedded broker, status handling, database);
 * - `broker`: the baseline, the same `EmbeddedBroker` (same keepalive limit, per-client
 *   authentication and access rules, on its own thread) with the devices' credentials in memory,
 *   subscribed inside the broker to every device's status and acknowledgements as the service
 *   is, only counting what it receives: the broker's work without the service's.
 */
export type FleetProcessStart =
  | { mode: 'service'; env: Env }
  | {
      mode: 'broker';
      /** deviceId → commune code and SHA-256 of its MQTT password. */
      devices: { deviceId: string; communeCode: string; passwordHash: string }[];
    };

export type FleetProcessReady =
  { mode: 'service'; httpPort: number } | { mode: 'broker'; mqttPort: number };

export interface FleetBulletinRequest {
  type: 'bulletin';
  provinceCode: string;
  /** The commune the tone's audio asset is filed under. */
  audioCommuneCode: string;
}

export interface FleetBulletin {
  type: 'bulletin';
  bulletinId: string;
}

async function startService(env: Env): Promise<FleetProcessReady> {
  // Loaded here only: the baseline process holds the broker, not the service's modules.
  const { createHttpApp } = await import('../src/app.factory');
  const { insertBulletin, insertReadyAudio } = await import('../test/support/playout-fixtures');
  const app = await createHttpApp({ env });
  await app.listen(0, '127.0.0.1');
  process.once('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
  // An approved emergency bulletin of the province's library with its ready audio (a tone made
  // by ffmpeg), as the emergency fan-out needs: written to the database like the tests do.
  process.on('message', (message: Partial<FleetBulletinRequest>) => {
    if (message.type !== 'bulletin' || !message.provinceCode || !message.audioCommuneCode) return;
    const fixtureApp = { app, storage: { env } };
    const { provinceCode, audioCommuneCode } = message;
    void insertReadyAudio(fixtureApp, {
      communeCode: audioCommuneCode,
      provinceCode,
      durationMs: 20_000,
    })
      .then((audio) =>
        insertBulletin(fixtureApp, {
          communeCode: null,
          provinceCode,
          title: 'Khẩn cấp: lũ quét, người dân di chuyển lên vùng cao',
          topics: ['chinh-quyen-so'],
          audioId: audio.id,
          priority: 'emergency',
        }),
      )
      .then((bulletin) => {
        const reply: FleetBulletin = { type: 'bulletin', bulletinId: bulletin.id };
        process.send?.(reply);
      });
  });
  return { mode: 'service', httpPort: (app.getHttpServer().address() as AddressInfo).port };
}

async function startBroker(
  devices: { deviceId: string; communeCode: string; passwordHash: string }[],
): Promise<FleetProcessReady> {
  const known = new Map(devices.map((device) => [device.deviceId, device]));
  let received = 0;
  const broker = await EmbeddedBroker.start({
    host: '127.0.0.1',
    port: 0,
    authenticate: (clientId, username, password) => {
      const device = known.get(username);
      if (clientId !== username || !isDeviceId(username) || !device) return Promise.resolve(null);
      return Promise.resolve(
        secretMatches(password, device.passwordHash)
          ? { kind: 'device', deviceId: device.deviceId, communeCode: device.communeCode }
          : null,
      );
    },
    // The service's own subscriptions, taken on the process's main thread as the service does.
    subscriptions: [allDevicesFilter('status'), allDevicesFilter('ack')],
    onMessage: () => {
      received += 1;
    },
    onError: () => undefined,
    onFailure: (message) => {
      console.error(message);
      process.exit(1);
    },
  });
  process.once('disconnect', () => {
    void broker.close().finally(() => process.exit(0));
  });
  counted = () => received;
  return { mode: 'broker', mqttPort: broker.port };
}

export interface FleetProcessMemory {
  type: 'memory';
  rss: number;
  heapUsed: number;
  /** Messages the baseline's subscriber received (0 for the service). */
  received: number;
}

let counted = () => 0;

/** After a full collection (the process runs with --expose-gc), outside the measured window. */
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const reply: FleetProcessMemory = { type: 'memory', rss, heapUsed, received: counted() };
  process.send?.(reply);
});

process.once('message', (start: FleetProcessStart) => {
  const started = start.mode === 'service' ? startService(start.env) : startBroker(start.devices);
  started.then(
    (ready) => process.send?.(ready),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
