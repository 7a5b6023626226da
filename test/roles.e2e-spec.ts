import { spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import { Env } from '../src/config/load-config';
import { startServiceProcess } from './support/service-process';
import { createTestStorage, TestStorage } from './support/test-app';
import { freePort } from './support/services';

/** Nest closes the app on SIGTERM, then re-raises the signal: either ending is a clean stop. */
const GRACEFUL = [0, 'SIGTERM'];

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

describe('roles by process (e2e, built service)', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    await storage.dispose();
  });

  it('serves HTTP with the api role and answers health within 30 s', async () => {
    const port = await freePort();
    const mqttPort = await freePort();
    const service = startServiceProcess({
      ...storage.env,
      PORT: String(port),
      MQTT_PORT: String(mqttPort),
      APP_ROLES: 'api,worker,scheduler',
    });
    try {
      await service.waitFor(/listening on http/, 30000);
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
      // The api process runs the embedded broker: it answers, and refuses unknown credentials.
      expect(service.output()).toContain(`embedded MQTT broker on 127.0.0.1:${mqttPort}`);
      await expect(
        mqtt.connectAsync(
          `mqtt://127.0.0.1:${mqttPort}`,
          { username: 'nobody', password: 'nothing', reconnectPeriod: 0, keepalive: 10 },
          false,
        ),
      ).rejects.toThrow(/Bad username or password/i);
    } finally {
      expect(GRACEFUL).toContain(await service.stop('SIGTERM'));
    }
  });

  it('runs a worker-only process without an HTTP server and without a broker', async () => {
    const port = await freePort();
    const mqttPort = await freePort();
    const service = startServiceProcess({
      ...storage.env,
      PORT: String(port),
      MQTT_PORT: String(mqttPort),
      APP_ROLES: 'worker',
    });
    try {
      await service.waitFor(/running without HTTP \(roles: worker\)/, 30000);
      await expect(fetch(`http://127.0.0.1:${port}/api/v1/health`)).rejects.toThrow();
      expect(service.output()).not.toContain('MQTT');
      await expect(portAnswers(mqttPort)).resolves.toBe(false);
    } finally {
      expect(GRACEFUL).toContain(await service.stop('SIGTERM'));
    }
  });

  it('gives processes without HTTP a health check command', () => {
    const healthcheck = resolve(__dirname, '../dist/cli/healthcheck.js');
    const run = (env: Env) =>
      spawnSync(process.execPath, [healthcheck], {
        env: env,
        encoding: 'utf8',
      });
    const healthy = run(storage.env);
    expect({ status: healthy.status, stdout: healthy.stdout.trim() }).toEqual({
      status: 0,
      stdout: 'ok',
    });
    const noRedis = run({ ...storage.env, REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect(noRedis.status).toBe(1);
    expect(noRedis.stderr).toContain('unhealthy');
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const service = startServiceProcess({
      ...storage.env,
      APP_ROLES: 'api,radio',
      PLAYOUT_SINK: 'loa',
    });
    expect(await service.stop('SIGCONT')).toBe(1);
    expect(service.output()).toContain('APP_ROLES');
    expect(service.output()).toContain('PLAYOUT_SINK');
  });

  it('stops the start when MQTT_PORT is taken, naming the variable', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', () => done()));
    const address = taken.address();
    const mqttPort = typeof address === 'object' && address ? address.port : 0;
    try {
      const service = startServiceProcess({
        ...storage.env,
        PORT: String(await freePort()),
        MQTT_PORT: String(mqttPort),
        APP_ROLES: 'api',
      });
      // SIGCONT changes nothing: this waits for the process to stop by itself.
      expect(await service.stop('SIGCONT')).not.toBe(0);
      expect(service.output()).toContain(`MQTT_PORT ${mqttPort} is already in use`);
      expect(service.output()).not.toContain('listening on http');
    } finally {
      await new Promise<void>((done) => taken.close(() => done()));
    }
  });

  it('refuses to start in production without the first admin', async () => {
    const { ADMIN_USERNAME: _user, ADMIN_PASSWORD: _password, ...env } = storage.env;
    const service = startServiceProcess({ ...env, NODE_ENV: 'production' });
    expect(await service.stop('SIGCONT')).toBe(1);
    expect(service.output()).toContain('ADMIN_USERNAME and ADMIN_PASSWORD are required');
  });
});
