import mqtt, { ErrorWithSubackPacket, IClientOptions, MqttClient } from 'mqtt';
import { generateKeyPairSync } from 'node:crypto';
import { get as httpGet, IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import {
  AckMessage,
  CommandMessage,
  deviceTopic,
  encodeMessage,
  LAST_WILL,
  parseCommand,
  StatusMessage,
} from '../../src/fleet/protocol';
import { bearer, TestApp } from './test-app';

/** What enrolment hands a device. */

/**
 * How far a play's start (its receipt's `startedAt`) may be from the plan and count as on time
 * in a test. The edge player's accuracy is a benchmark (`npm run bench -- edge`: p99 1 ms on a
 * quiet machine, goal 20 ms); a test tells "on time" from "waited for something" (a dead
 * link's timeouts are seconds), and stays true on a loaded CI machine, where timers slip by
 * hundreds of milliseconds (320 ms seen with both cores busy).
 */
export const ON_TIME_MS = 1000;
export interface DeviceCredentials {
  deviceId: string;
  communeCode: string;
  apiToken: string;
  mqtt: { url: string; username: string; password: string };
}

/** A new Ed25519 public key as enrolment takes it: base64 of its 32 raw bytes. */
export function newDevicePublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
}

/**
 * A simulated speaker cluster: a real MQTT client that follows docs/device-protocol.md (client
 * id = device id, keepalive ≤ 30 s, a retained Last Will on its status topic).
 */
export class SimulatedDevice {
  readonly commands: CommandMessage[] = [];

  private constructor(
    readonly credentials: DeviceCredentials,
    readonly client: MqttClient,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== this.topic('cmd')) return;
      const command = parseCommand(payload);
      if (command.ok) this.commands.push(command.value);
    });
  }

  static async connect(
    credentials: DeviceCredentials,
    options: Partial<IClientOptions> & { url?: string } = {},
  ): Promise<SimulatedDevice> {
    const { url, ...rest } = options;
    const client = await mqtt.connectAsync(
      url ?? credentials.mqtt.url,
      {
        clientId: credentials.deviceId,
        username: credentials.mqtt.username,
        password: credentials.mqtt.password,
        keepalive: 5,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        will: {
          topic: deviceTopic(credentials.communeCode, credentials.deviceId, 'status'),
          payload: encodeMessage(LAST_WILL),
          qos: 1,
          retain: true,
        },
        ...rest,
      },
      false,
    );
    return new SimulatedDevice(credentials, client);
  }

  topic(kind: 'cmd' | 'status' | 'ack'): string {
    return deviceTopic(this.credentials.communeCode, this.credentials.deviceId, kind);
  }

  /** Subscribes to its own commands; answers the granted QoS (128: refused). */
  async subscribeCommands(topic = this.topic('cmd')): Promise<number> {
    try {
      const granted = await this.client.subscribeAsync(topic, { qos: 1 });
      return granted[0].qos;
    } catch (error) {
      // mqtt.js rejects a refused subscription with the SUBACK attached.
      if (error instanceof ErrorWithSubackPacket) {
        const first = error.packet.granted[0] as number | { qos: number };
        return typeof first === 'number' ? first : first.qos;
      }
      throw error;
    }
  }

  async status(status: StatusMessage, topic = this.topic('status')): Promise<void> {
    await this.client.publishAsync(topic, encodeMessage(status), { qos: 1, retain: true });
  }

  async ack(ack: AckMessage, topic = this.topic('ack')): Promise<void> {
    await this.client.publishAsync(topic, encodeMessage(ack), { qos: 1 });
  }

  /**
   * Publishes where the broker should refuse it: resolves `closed` when the broker ends the
   * connection, `acknowledged` if it took the message, `no-answer` after two seconds.
   */
  async forge(topic: string, message: StatusMessage | AckMessage): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<string>((resolve) =>
      this.client.once('close', () => resolve('closed')),
    );
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('no-answer'), 2000);
    });
    const acknowledged = this.client
      .publishAsync(topic, encodeMessage(message), { qos: 1, retain: true })
      .then(() => 'acknowledged');
    try {
      return await Promise.race([closed, acknowledged, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cuts the connection as a lost 3G link would: no DISCONNECT, the broker sends the Last Will. */
  cut(): void {
    (this.client.stream as Socket).destroy();
    this.client.end(true);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
  }
}

/** What a device's HTTP request got: status, headers and the body bytes it read. */
export interface DeviceHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A device's HTTP GET with its API token, as a cluster on a weak link makes it: with
 * `cutAfterBytes`, the connection is dropped once that many body bytes have arrived (what was
 * read is kept, as a device keeps the part of a download).
 */
export function deviceGet(
  baseUrl: string,
  path: string,
  apiToken: string,
  headers: Record<string, string> = {},
  cutAfterBytes?: number,
): Promise<DeviceHttpResponse> {
  return new Promise((resolve, reject) => {
    const request = httpGet(
      new URL(path, baseUrl),
      { headers: { Authorization: `Bearer ${apiToken}`, ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const done = () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).subarray(0, cutAfterBytes ?? received),
          });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (cutAfterBytes !== undefined && received >= cutAfterBytes) {
            request.destroy();
            done();
          }
        });
        response.on('end', done);
        response.on('error', () => undefined);
      },
    );
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
  });
}

/** Registers a cluster of `commune` through the API (as `token`): its id and enrolment code. */
export async function registerDevice(
  app: TestApp,
  token: string,
  commune: string,
  name: string,
  zones?: string[],
): Promise<{ id: string; enrolmentCode: string }> {
  const created = await app
    .http()
    .post(`/api/v1/communes/${commune}/devices`)
    .set(bearer(token))
    .send({ name, zones })
    .expect(201);
  return created.body as { id: string; enrolmentCode: string };
}

/** Registers a cluster of `commune` through the API (as `token`) and enrols it: its credentials and the code it used. */
export async function enrolNewDevice(
  app: TestApp,
  token: string,
  commune: string,
  name: string,
  zones?: string[],
): Promise<DeviceCredentials & { code: string }> {
  const created = await registerDevice(app, token, commune, name, zones);
  const enrolment = await app
    .http()
    .post('/api/v1/devices/enrol')
    .send({ code: created.enrolmentCode, publicKey: newDevicePublicKey() })
    .expect(201);
  return { ...(enrolment.body as DeviceCredentials), code: created.enrolmentCode };
}
