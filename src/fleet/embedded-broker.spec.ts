import mqtt from 'mqtt';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { EmbeddedBroker } from './embedded-broker';
import { BrokerIdentity, deviceTopic } from './protocol';

const COMMUNE = '14797';
const PASSWORD = 'mat-khau-cua-cum-loa';

/**
 * A device whose MQTT client runs on a thread of its own, so that it keeps going while the
 * test's (the service's) thread is blocked. Told `go`, it publishes a QoS 1 status and answers
 * with the time the broker's PUBACK reached it.
 */
const DEVICE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const mqtt = require(workerData.mqttPath);
const client = mqtt.connect(workerData.url, {
  clientId: workerData.deviceId, username: workerData.deviceId, password: workerData.password,
  keepalive: 5, reconnectPeriod: 0,
});
client.on('error', (error) => parentPort.postMessage({ error: error.message }));
client.on('connect', () => parentPort.postMessage({ ready: true }));
parentPort.on('message', (message) => {
  if (message === 'go') {
    client.publish(workerData.topic, '{"status":"online"}', { qos: 1 }, (error) => {
      if (error) parentPort.postMessage({ error: error.message });
      else parentPort.postMessage({ pubackAt: Date.now() });
    });
  }
  if (message === 'end') client.end(true, () => parentPort.close());
});
`;

function block(ms: number): number {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // The service's thread is busy (a long transaction, a large JSON answer).
  }
  return Date.now();
}

describe('EmbeddedBroker', () => {
  const deviceId = randomUUID();
  const identity: BrokerIdentity = { kind: 'device', deviceId, communeCode: COMMUNE };
  const received: string[] = [];
  let broker: EmbeddedBroker;

  beforeAll(async () => {
    broker = await EmbeddedBroker.start({
      host: '127.0.0.1',
      port: 0,
      authenticate: (clientId, username, password) =>
        Promise.resolve(
          clientId === deviceId && username === deviceId && password === PASSWORD ? identity : null,
        ),
      subscriptions: ['loa-xa/+/+/status'],
      onMessage: (topic) => received.push(topic),
      onError: () => undefined,
      onFailure: (message) => {
        throw new Error(message);
      },
    });
  });

  afterAll(async () => {
    await broker.close();
  });

  it("routes devices' packets on its own thread while the service's thread is blocked", async () => {
    const statusTopic = deviceTopic(COMMUNE, deviceId, 'status');
    const device = new Worker(DEVICE_THREAD, {
      eval: true,
      workerData: {
        mqttPath: require.resolve('mqtt'),
        url: `mqtt://127.0.0.1:${broker.port}`,
        deviceId,
        password: PASSWORD,
        topic: statusTopic,
      },
    });
    const next = () =>
      new Promise<{ ready?: true; pubackAt?: number; error?: string }>((resolve) =>
        device.once('message', resolve),
      );
    try {
      expect(await next()).toEqual({ ready: true });
      const puback = next();
      device.postMessage('go');
      const unblockedAt = block(1500);
      const { pubackAt, error } = await puback;
      expect(error).toBeUndefined();
      // The broker acknowledged the device's status before the service's thread was free again.
      expect(pubackAt).toBeLessThan(unblockedAt);
      // …and handed it to the service's subscription once it was.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual([statusTopic]);
    } finally {
      device.postMessage('end');
      await new Promise((resolve) => device.once('exit', resolve));
    }
  });

  it('keeps a device to the topics its grant names', async () => {
    const other = randomUUID();
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: deviceId,
      username: deviceId,
      password: PASSWORD,
      keepalive: 5,
      reconnectPeriod: 0,
    });
    try {
      await client.subscribeAsync(deviceTopic(COMMUNE, deviceId, 'cmd'), { qos: 1 });
      // SUBACK 0x80: refused.
      await expect(client.subscribeAsync(deviceTopic(COMMUNE, other, 'cmd'))).rejects.toThrow(
        /Subscribe error/,
      );
      const commands: string[] = [];
      client.on('message', (topic) => commands.push(topic));
      await broker.publish(deviceTopic(COMMUNE, deviceId, 'cmd'), Buffer.from('{}'), {
        qos: 1,
        retain: false,
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(commands).toEqual([deviceTopic(COMMUNE, deviceId, 'cmd')]);
    } finally {
      await client.endAsync(true);
    }
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        clientId: other,
        username: other,
        password: PASSWORD,
        keepalive: 5,
        reconnectPeriod: 0,
      }),
    ).rejects.toMatchObject({ code: 4 }); // CONNACK: bad user name or password
  });
});
