import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DeviceAlerts } from './device-alerts.service';
import { DeviceArrivals } from './device-arrivals';
import { DevicesService } from './devices.service';
import { EmbeddedBroker } from './embedded-broker';
import { EmergenciesService } from './emergencies.service';
import { FleetLink, MqttLink } from './fleet-link';
import {
  DYNSEC_RESPONSE_TOPIC,
  MosquittoDynsec,
  provisionCommands,
  removalCommands,
} from './mosquitto-dynsec';
import {
  allDevicesFilter,
  BrokerIdentity,
  DeviceTopic,
  isDeviceId,
  MAX_KEEPALIVE_SECONDS,
  parseAck,
  parseDeviceTopic,
  parseStatus,
} from './protocol';

/**
 * The fleet's MQTT side, in the process that serves the API: without MQTT_URL it starts the
 * embedded broker on MQTT_PORT (on a thread of its own) and subscribes inside it; with MQTT_URL
 * it connects to that broker as a client. Either way it takes every device's status and
 * acknowledgements and keeps the database current from them (statuses in batches: see
 * DeviceStatusBook; the device's alerts: see DeviceAlerts), and lends the services a link to
 * publish commands.
 */
@Injectable()
export class FleetMqtt implements OnApplicationBootstrap, OnModuleDestroy, MqttLink {
  private readonly logger = new Logger(FleetMqtt.name);
  private broker: EmbeddedBroker | null = null;
  private client: MqttClient | null = null;
  private dynsec: MosquittoDynsec | null = null;
  /** Messages are handled one after the other, so a device's statuses are applied in order. */
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly devices: DevicesService,
    private readonly deviceAlerts: DeviceAlerts,
    private readonly emergencies: EmergenciesService,
    private readonly link: FleetLink,
    private readonly clock: Clock,
    private readonly arrivals: DeviceArrivals,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const fleet = this.config.fleet;
    if (fleet.mqttUrl) {
      this.client = await this.connect(fleet.mqttUrl, {});
      if (fleet.deviceAuth === 'mosquitto-dynsec') this.dynsec = new MosquittoDynsec(this.client);
      this.logger.log(`Fleet: using the MQTT broker at ${this.redacted(fleet.mqttUrl)}`);
    } else {
      this.broker = await EmbeddedBroker.start({
        host: fleet.mqttHost,
        port: fleet.mqttPort,
        authenticate: (clientId, username, password) =>
          this.authenticate(clientId, username, password),
        subscriptions: [allDevicesFilter('status'), allDevicesFilter('ack')],
        onMessage: (topic, payload) => this.receive(topic, payload),
        onError: (message) => this.logger.debug(message),
        onFailure: (message) => {
          this.logger.error(
            `Fleet: ${message}; devices cannot reach the service until it restarts`,
          );
          this.link.attach(null);
        },
      });
      this.logger.log(`Fleet: embedded MQTT broker on ${fleet.mqttHost}:${this.broker.port}`);
    }
    this.link.attach(this);
  }

  async onModuleDestroy(): Promise<void> {
    this.link.attach(null);
    // What comes while the broker closes (its devices' Last Wills) is not the devices' doing.
    this.stopping = true;
    if (this.client) await this.client.endAsync(true).catch(() => undefined);
    this.client = null;
    if (this.broker) await this.broker.close();
    this.broker = null;
    await this.queue;
    // No status comes any more: what was taken is written before the database closes.
    await this.devices.flushStatuses();
  }

  async publish(
    topic: string,
    payload: Buffer,
    options: { qos: 0 | 1; retain: boolean },
  ): Promise<void> {
    // The embedded broker takes the server's messages through its thread's message port.
    if (this.broker) return this.broker.publish(topic, payload, options);
    if (!this.client?.connected) throw new Error('not connected to the MQTT broker');
    await this.client.publishAsync(topic, payload, options);
  }

  async provision(deviceId: string, communeCode: string, password: string): Promise<void> {
    if (!this.dynsec) return;
    if (!this.client?.connected) throw new Error('not connected to the MQTT broker');
    const errors = await this.dynsec.run(provisionCommands(deviceId, communeCode, password));
    // The first two only clear what a previous enrolment left; the last two must succeed.
    const failed = errors.slice(2).find((error) => error !== undefined);
    if (failed) throw new Error(`Mosquitto dynamic security: ${failed}`);
  }

  async disconnect(deviceId: string): Promise<void> {
    await this.broker?.disconnect(deviceId);
    if (this.dynsec) await this.dynsec.run(removalCommands(deviceId));
  }

  deviceUrl(hostname: string): string {
    if (this.broker) {
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      return `mqtt://${host}:${this.broker.port}`;
    }
    const url = new URL(this.config.fleet.mqttUrl!);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  }

  private async authenticate(
    clientId: string,
    username: string,
    password: string,
  ): Promise<BrokerIdentity | null> {
    // Pinned by the protocol: a device's client id is its device id, and so is its username.
    if (clientId !== username || !isDeviceId(username)) return null;
    const device = await this.devices.authenticateBroker(username, password);
    return device ? { kind: 'device', deviceId: device.id, communeCode: device.communeCode } : null;
  }

  private async connect(
    url: string,
    credentials: { username?: string; password?: string },
  ): Promise<MqttClient> {
    // Loaded only here: with the embedded broker (no MQTT_URL) the client library and its
    // dependencies are never used, and left unloaded they cost the process no memory.
    const { connect } = await import('mqtt');
    const client = connect(url, {
      ...credentials,
      clientId: `loa-xa-server-${randomBytes(6).toString('hex')}`,
      keepalive: MAX_KEEPALIVE_SECONDS,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10000,
    });
    client.on('connect', () => {
      const filters = [allDevicesFilter('status'), allDevicesFilter('ack')];
      if (this.config.fleet.deviceAuth === 'mosquitto-dynsec') filters.push(DYNSEC_RESPONSE_TOPIC);
      client
        .subscribeAsync(filters, { qos: 1 })
        .catch((error: Error) => this.logger.warn(`Fleet: subscribing failed: ${error.message}`));
    });
    client.on('error', (error) => this.logger.warn(`Fleet: MQTT: ${error.message}`));
    client.on('message', (topic, payload) => {
      if (topic === DYNSEC_RESPONSE_TOPIC) return this.dynsec?.receive(payload);
      this.receive(topic, payload);
    });
    return client;
  }

  /** A message on the server's subscriptions (from the embedded broker or MQTT_URL's). */
  private receive(topic: string, payload: Buffer): void {
    if (this.stopping) return;
    const target = parseDeviceTopic(topic);
    // An empty retained message only clears the topic (a deleted device).
    if (!target || payload.length === 0) return;
    // Acknowledgements are taken at once, stamped with their arrival: they need no order with
    // statuses, and an emergency's must not wait behind its 2,500 devices' statuses.
    if (target.kind === 'ack') return this.handleAck(target, payload);
    if (target.kind === 'status') {
      const receivedAt = this.clock.now();
      this.queue = this.queue.then(() => this.handleStatus(target, payload, receivedAt));
    }
  }

  private async handleStatus(
    target: DeviceTopic,
    payload: Buffer,
    receivedAt: Date,
  ): Promise<void> {
    const status = parseStatus(payload);
    // A status the server cannot take still comes from the device (only it may publish here):
    // it is kept as the device's last status problem, for its operators to see.
    if (!status.ok) this.logger.warn(`Fleet: bad status from ${target.deviceId}: ${status.error}`);
    try {
      const recorded = status.ok
        ? await this.devices.recordStatus(
            target.communeCode,
            target.deviceId,
            status.value,
            receivedAt,
          )
        : await this.devices.recordStatusProblem(
            target.communeCode,
            target.deviceId,
            status.error,
            receivedAt,
          );
      // No such device (deleted): its alerts, if any are left, are cleared.
      if (!recorded) return await this.deviceAlerts.evaluateDevice(target.deviceId);
      // A status that changes whether the device is online, or may change its alerts, is written
      // at once: the alert sweep (perhaps another process) reads the database. The others wait
      // for the status book's next batch. The evaluation here, like every reader in this process
      // (an emergency's targeting among them), reads the device with what is not written yet.
      if (recorded.changed || this.deviceAlerts.mayChange(recorded.before, recorded.after)) {
        this.devices.writeStatusesSoon();
        await this.deviceAlerts.evaluateDevice(target.deviceId);
      }
      // Not awaited: the next messages need not wait for the broker to take the resent commands.
      if (recorded.cameOnline) {
        void this.emergencies.resendPending(target.communeCode, target.deviceId, receivedAt);
        this.arrivals.arrived(target.communeCode, target.deviceId, receivedAt);
      }
    } catch (error) {
      this.logger.error(`Fleet: status of ${target.deviceId}: ${(error as Error).message}`);
    }
  }

  private handleAck(target: DeviceTopic, payload: Buffer): void {
    const ack = parseAck(payload);
    if (!ack.ok) {
      this.logger.warn(`Fleet: bad ack from ${target.deviceId}: ${ack.error}`);
      return;
    }
    this.devices.recordAck(target.communeCode, target.deviceId, ack.value);
  }

  private redacted(url: string): string {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  }
}
