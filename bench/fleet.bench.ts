import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretHash } from '../src/fleet/device-credentials';
import { MAX_KEEPALIVE_SECONDS } from '../src/fleet/protocol';
import { newDevicePublicKey } from '../test/support/fleet-device';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv } from './bench-support';
import { Benchmark } from './bench.types';
import type { BenchDevice, ConnectedReport, DevicesRequest, StoppedReport } from './fleet-devices';
import type { FleetProcessMemory, FleetProcessReady, FleetProcessStart } from './fleet-service';

const PROVINCE = '38';
const STATUS_INTERVAL_MS = 30_000;
const CONNECT_PER_SECOND = 250;
const SEED_CONCURRENCY = 16;
const QUIET_SECONDS = 10;
/** The devices' clients run in this many processes (none of them the measured one). */
const DEVICE_PROCESSES = 2;

function setting(name: string, fallback: number, min: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) and RSS bytes of a process, from /proc/<pid>/stat. */
function procStat(pid: number): { cpuSeconds: number; rss: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), numbered from 3 (state).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // CLK_TCK on Linux
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuSeconds: (utime + stime) / ticks, rss: rssPages * 4096 };
}

/** The next message from `child` that `accept` takes. */
function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => T | undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`bench child process exited (${code}) while awaited`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function ofType<T extends { type: string }>(type: T['type']) {
  return (message: unknown): T | undefined =>
    (message as { type?: string }).type === type ? (message as T) : undefined;
}

/** Forks one of the benchmark's processes, with a full GC on request (--expose-gc). */
function forkBench(file: string): ChildProcess {
  return fork(join(__dirname, file), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function stopChild(child: ChildProcess, request?: DevicesRequest): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (request) child.send(request);
  else child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function memoryOf(child: ChildProcess): Promise<FleetProcessMemory> {
  const reply = nextMessage(child, ofType<FleetProcessMemory>('memory'));
  child.send({ type: 'memory' });
  return reply;
}

/** Calls `work` on every item, `concurrency` at a time. */
async function pool<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

interface Api {
  base: string;
  token: string;
}

async function call<T>(api: Api, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: {
      ...(api.token ? { Authorization: `Bearer ${api.token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

interface PhaseResult {
  connected: number;
  connectFailed: number;
  connectMs: number;
  seconds: number;
  cpuSeconds: number;
  /** Share of a core while connected and quiet. */
  quietCpu: number;
  rssIdle: number;
  rssConnected: number;
  rssMax: number;
  heapIdle: number;
  heapConnected: number;
  heapEnd: number;
  published: number;
  acknowledged: number;
  failed: number;
  dropped: number;
  lastSent: Map<string, number>;
  /** Messages the baseline's subscriber received. */
  received: number;
  devices: ChildProcess[];
}

/**
 * Connects the fleet's clients (in DEVICE_PROCESSES processes) to `url`, starts their statuses
 * (every device once per interval, evenly spread) and measures the process `measured` over
 * `seconds` from the moment the statuses run: CPU (user + system) and RSS; the clients stay
 * connected (for the fan-out) and are returned.
 */
async function runPhase(
  measured: ChildProcess,
  url: string,
  fleet: BenchDevice[],
  seconds: number,
  log: (line: string) => void,
): Promise<PhaseResult> {
  const pid = measured.pid!;
  const idle = await memoryOf(measured);
  const rssIdle = procStat(pid).rss;
  const devices = Array.from({ length: DEVICE_PROCESSES }, () => forkBench('fleet-devices.js'));
  const connectedReports = devices.map((child) =>
    nextMessage(child, ofType<ConnectedReport>('connected')),
  );
  devices.forEach((child, n) => {
    const request: DevicesRequest = {
      type: 'connect',
      url,
      devices: fleet.filter((_, index) => index % DEVICE_PROCESSES === n),
      keepaliveSeconds: MAX_KEEPALIVE_SECONDS,
      connectPerSecond: CONNECT_PER_SECOND / DEVICE_PROCESSES,
    };
    child.send(request);
  });
  const connected = await Promise.all(connectedReports);
  const connectedCount = connected.reduce((sum, report) => sum + report.connected, 0);
  log(`  ${connectedCount} devices connected in ${Math.max(...connected.map((r) => r.ms))} ms`);
  await sleep(2000);
  const heapConnected = (await memoryOf(measured)).heapUsed;
  const rssConnected = procStat(pid).rss;
  // Connected and quiet: what holding the connections costs (keepalives, timers).
  const quietStart = procStat(pid).cpuSeconds;
  await sleep(QUIET_SECONDS * 1000);
  const quietCpu = (procStat(pid).cpuSeconds - quietStart) / QUIET_SECONDS;

  const t0 = Date.now() + 1000;
  for (const child of devices) {
    child.send({
      type: 'start-status',
      t0,
      intervalMs: STATUS_INTERVAL_MS,
      total: fleet.length,
    } satisfies DevicesRequest);
  }
  await sleep(t0 - Date.now());
  const cpuStart = procStat(pid).cpuSeconds;
  let rssMax = rssConnected;
  const until = t0 + seconds * 1000;
  while (Date.now() < until) {
    await sleep(Math.min(5000, until - Date.now()));
    rssMax = Math.max(rssMax, procStat(pid).rss);
    log(`  ${Math.round((Date.now() - t0) / 1000)} s, RSS ${mib(rssMax)} MiB`);
  }
  const cpuEnd = procStat(pid).cpuSeconds;
  const stopped = await Promise.all(
    devices.map((child) => {
      const reply = nextMessage(child, ofType<StoppedReport>('stopped'));
      child.send({ type: 'stop-status' } satisfies DevicesRequest);
      return reply;
    }),
  );
  const end = await memoryOf(measured);
  const sum = (key: 'published' | 'acknowledged' | 'failed' | 'dropped') =>
    stopped.reduce((total, report) => total + report[key], 0);
  return {
    connected: connectedCount,
    connectFailed: connected.reduce((total, report) => total + report.failed, 0),
    connectMs: Math.max(...connected.map((report) => report.ms)),
    seconds,
    cpuSeconds: cpuEnd - cpuStart,
    quietCpu,
    rssIdle,
    rssConnected,
    rssMax,
    heapIdle: idle.heapUsed,
    heapConnected,
    heapEnd: end.heapUsed,
    published: sum('published'),
    acknowledged: sum('acknowledged'),
    failed: sum('failed'),
    dropped: sum('dropped'),
    lastSent: new Map(stopped.flatMap((report) => report.lastSent)),
    received: end.received,
    devices,
  };
}

const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const pct = (part: number) => `${(part * 100).toFixed(1)} %`;

interface DeviceRow {
  id: string;
  communeCode: string;
  lastSeenAt: string | null;
  status: string;
}

/**
 * `npm run bench -- fleet`: FLEET_DEVICES (2,500) simulated clusters of Thanh Hóa's communes,
 * registered and enrolled through the API, connected at once with real MQTT clients (in other
 * processes), each publishing a status every 30 s; the service's CPU and memory while it keeps
 * every status current, against the same broker set-up without the service (the baseline), for
 * FLEET_SECONDS (120) each; then the emergency fan-out to all of them.
 */
export const fleetBenchmark: Benchmark = {
  id: 'fleet',
  title: 'Fleet: 2,500 clusters on MQTT, status load and emergency fan-out',
  async run(): Promise<string> {
    const total = Math.round(setting('FLEET_DEVICES', 2500, 1));
    const seconds = setting('FLEET_SECONDS', 120, STATUS_INTERVAL_MS / 1000);
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-fleet-'));
    const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
    const children: ChildProcess[] = [];
    const loadBefore = loadavg()[0];
    try {
      // The service, in a process of its own.
      const service = forkBench('fleet-service.js');
      children.push(service);
      const serviceReady = nextMessage(service, (message) =>
        (message as FleetProcessReady).mode === 'service'
          ? (message as Extract<FleetProcessReady, { mode: 'service' }>)
          : undefined,
      );
      service.send({
        mode: 'service',
        env: benchEnv(dir, prefix, { APP_ROLES: 'api' }),
      } satisfies FleetProcessStart);
      const { httpPort } = await serviceReady;
      const api: Api = { base: `http://127.0.0.1:${httpPort}/api/v1`, token: '' };
      const login = await call<{ accessToken: string }>(api, 'POST', '/auth/login', {
        username: 'admin',
        password: 'bench-admin-password',
      });
      api.token = login.accessToken;

      // Registration and enrolment, through the API.
      const communes = await call<{ code: string }[]>(api, 'GET', `/communes?province=${PROVINCE}`);
      const plan = Array.from({ length: total }, (_, index) => ({
        communeCode: communes[index % communes.length].code,
        number: Math.floor(index / communes.length) + 1,
      }));
      const registerStarted = Date.now();
      const registered = await pool(plan, SEED_CONCURRENCY, ({ communeCode, number }) =>
        call<{ id: string; enrolmentCode: string }>(
          api,
          'POST',
          `/communes/${communeCode}/devices`,
          { name: `Cụm loa số ${number}`, zones: [`thon-${number}`] },
        ).then((created) => ({ ...created, communeCode })),
      );
      const registerMs = Date.now() - registerStarted;
      log(`  registered ${total} devices in ${registerMs} ms`);
      const publicKeys = registered.map(() => newDevicePublicKey());
      const enrolStarted = Date.now();
      const anonymous: Api = { base: api.base, token: '' };
      const enrolled = await pool(registered, SEED_CONCURRENCY, (device, index) =>
        call<{
          deviceId: string;
          communeCode: string;
          mqtt: { url: string; username: string; password: string };
        }>(anonymous, 'POST', '/devices/enrol', {
          code: device.enrolmentCode,
          publicKey: publicKeys[index],
        }),
      );
      const enrolMs = Date.now() - enrolStarted;
      log(`  enrolled ${total} devices in ${enrolMs} ms`);
      const fleet: BenchDevice[] = enrolled.map((device, index) => ({
        deviceId: device.deviceId,
        communeCode: device.communeCode,
        password: device.mqtt.password,
        index,
      }));
      const serviceUrl = enrolled[0].mqtt.url;

      // Baseline: the same broker set-up and clients, without the service.
      log('  baseline: the embedded broker alone');
      const broker = forkBench('fleet-service.js');
      children.push(broker);
      const brokerReady = nextMessage(broker, (message) =>
        (message as FleetProcessReady).mode === 'broker'
          ? (message as Extract<FleetProcessReady, { mode: 'broker' }>)
          : undefined,
      );
      broker.send({
        mode: 'broker',
        devices: fleet.map((device) => ({
          deviceId: device.deviceId,
          communeCode: device.communeCode,
          passwordHash: secretHash(device.password),
        })),
      } satisfies FleetProcessStart);
      const { mqttPort } = await brokerReady;
      const baseline = await runPhase(broker, `mqtt://127.0.0.1:${mqttPort}`, fleet, seconds, log);
      await Promise.all(baseline.devices.map((child) => stopChild(child, { type: 'close' })));
      await stopChild(broker);

      // The service.
      log('  the service');
      const measured = await runPhase(service, serviceUrl, fleet, seconds, log);
      children.push(...measured.devices);

      // Every device's last status must be in the database: lastSeenAt at or after its sending.
      const checkStarted = Date.now();
      let behind: number;
      let rows: DeviceRow[];
      for (;;) {
        rows = await call<DeviceRow[]>(api, 'GET', `/provinces/${PROVINCE}/devices`);
        behind = rows.filter((row) => {
          const sent = measured.lastSent.get(row.id);
          return sent === undefined || row.lastSeenAt === null || Date.parse(row.lastSeenAt) < sent;
        }).length;
        // The check starts at once: a backlog shows as the time it takes to clear.
        if (behind === 0 || Date.now() - checkStarted > 30_000) break;
        await sleep(200);
      }
      const catchUpMs = Date.now() - checkStarted;
      const lags = rows
        .filter((row) => row.lastSeenAt !== null && measured.lastSent.has(row.id))
        .map((row) => Date.parse(row.lastSeenAt!) - measured.lastSent.get(row.id)!);
      const lag = distribution(lags);
      const online = rows.filter((row) => row.status === 'online').length;
      const loadAfter = loadavg()[0];

      for (const child of measured.devices) {
        await stopChild(child, { type: 'close' });
      }

      const rate = (phase: PhaseResult) => phase.acknowledged / phase.seconds;
      const cpuShare = (phase: PhaseResult) => phase.cpuSeconds / phase.seconds;
      const msPerStatus = (phase: PhaseResult) => (cpuShare(phase) / rate(phase)) * 1000;
      const heapPerConnection = (phase: PhaseResult) =>
        (phase.heapConnected - phase.heapIdle) / phase.connected;
      const rssPerConnection = (phase: PhaseResult) =>
        (phase.rssConnected - phase.rssIdle) / phase.connected;
      const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '—');
      const row = (name: string, phase: PhaseResult) =>
        `| ${name} | ${phase.connected} (${phase.connectFailed} failed, ${(phase.connectMs / 1000).toFixed(1)} s) | ` +
        `${pct(phase.quietCpu)} | ${rate(phase).toFixed(1)} | ${pct(cpuShare(phase))} | ` +
        `${msPerStatus(phase).toFixed(2)} | ` +
        `${mib(phase.rssIdle)} → ${mib(phase.rssConnected)} → ${mib(phase.rssMax)} | ` +
        `${kib(rssPerConnection(phase))} / ${kib(heapPerConnection(phase))} | ` +
        `${phase.failed} / ${phase.dropped} |`;
      const fmtMs = (ms: number) => ms.toLocaleString('en');

      return [
        `${total.toLocaleString('en')} simulated clusters spread over the ${communes.length} communes of ` +
          `Thanh Hóa (province ${PROVINCE}), registered through \`POST /communes/:commune/devices\` ` +
          `(${(registerMs / 1000).toFixed(1)} s) and enrolled through the real \`POST /devices/enrol\` ` +
          `with an Ed25519 key each (${(enrolMs / 1000).toFixed(1)} s, ${SEED_CONCURRENCY} at a time). ` +
          `Each is an mqtt.js client (client id = device id, keepalive ${MAX_KEEPALIVE_SECONDS} s, ` +
          `retained Last Will, subscribed to its commands) in ${DEVICE_PROCESSES} client processes ` +
          `separate from the measured one, connecting at ~${CONNECT_PER_SECOND}/s, then publishing ` +
          `a full status (QoS 1, retained) every ${STATUS_INTERVAL_MS / 1000} s, the fleet spread evenly over ` +
          `the interval. CPU (user + system, /proc/<pid>/stat) is measured over ${seconds} s from the ` +
          'moment the statuses run; heap after a full GC.',
        '',
        '**Baseline**: the broker alone — a process running the same `EmbeddedBroker` (aedes, same ' +
          'keepalive limit, same per-client authentication and access rules, credentials in memory ' +
          "instead of the database) with one subscriber on every device's status and acknowledgements, " +
          "as the service's own client is, that only counts them. It is the fair baseline for the " +
          'embedded set-up: what a status costs the broker to route, without what the service then ' +
          'does with it (parse, validate, write to SQLite, serve the API).',
        '',
        `| Process | Devices connected | CPU connected, quiet (${QUIET_SECONDS} s) | Statuses/s | CPU with statuses (of one core) | CPU ms per status | RSS MiB idle → connected → max | KiB per connection, RSS / heap | Publish failures / dropped connections |`,
        '|---|---|---|---|---|---|---|---|---|',
        row('Broker alone (baseline)', baseline),
        row('**Service** (API + embedded broker + status handling, SQLite)', measured),
        '',
        `The service costs ${ratio(cpuShare(measured), cpuShare(baseline))} the broker's CPU ` +
          `(${pct(cpuShare(measured))} against ${pct(cpuShare(baseline))} of a core) for the same ` +
          `${rate(measured).toFixed(1)} statuses/s. The baseline's subscriber received ` +
          `${baseline.received.toLocaleString('en')} messages for ${baseline.acknowledged.toLocaleString('en')} statuses taken.`,
        '',
        `Every status current: after the clients stopped, every one of the ${rows.length} devices ` +
          `${behind === 0 ? 'had' : `**did not have** (${behind} behind)`} a \`lastSeenAt\` at or after ` +
          `its last status's sending time (checked through \`GET /provinces/${PROVINCE}/devices\` ` +
          `${fmtMs(catchUpMs)} ms after they stopped); ${online} online. Delay from a device's last ` +
          `status to its \`lastSeenAt\`: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms.`,
        '',
        `Machine load (1-minute load average on ${cpus().length} cores): ${loadBefore.toFixed(1)} ` +
          `before, ${loadAfter.toFixed(1)} after.`,
      ].join('\n');
    } finally {
      for (const child of children) await stopChild(child).catch(() => undefined);
      await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
