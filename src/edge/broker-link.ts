import { Logger } from '@nestjs/common';
import mqtt, { MqttClient } from 'mqtt';
import {
  AckMessage,
  CommandMessage,
  decodeJson,
  deviceTopic,
  encodeMessage,
  LAST_WILL,
  parseCommand,
  StatusMessage,
} from '../fleet/protocol';
import { backoffMs } from './receipt-uploader';

export interface BrokerSettings {
  url: string;
  deviceId: string;
  communeCode: string;
  username: string;
  password: string;
  keepaliveSeconds: number;
  maxBackoffMs: number;
}

/** An acknowledgement; `play-emergency` adds when the item started. */
export type EdgeAck = AckMessage & { startedAt?: string };

/** A command; `play-emergency` may carry `endsAt`: past it, the emergency is over. */
export type EdgeCommand = CommandMessage & { endsAt?: string };

/** `endsAt` of a `play-emergency` (docs/device-protocol.md, "Emergencies"), when it is an instant. */
function endsAtOf(payload: Buffer): string | undefined {
  const decoded = decodeJson(payload);
  if (!decoded.ok || typeof decoded.value !== 'object' || decoded.value === null) return undefined;
  const endsAt = (decoded.value as { endsAt?: unknown }).endsAt;
  return typeof endsAt === 'string' && !Number.isNaN(Date.parse(endsAt)) ? endsAt : undefined;
}

/**
 * The box's MQTT session (docs/device-protocol.md, "MQTT"): client id = device id, keepalive
 * ≤ 30 s, a retained `{"status":"offline"}` Last Will, its own command topic at QoS 1. It
 * reconnects forever, waiting longer after each failure (up to EDGE_MAX_BACKOFF_SECONDS).
 */
export class BrokerLink {
  private readonly logger = new Logger('BrokerLink');
  private client: MqttClient | null = null;
  private failures = 0;

  constructor(
    private readonly settings: BrokerSettings,
    private readonly handlers: {
      onConnect(): void;
      onCommand(command: EdgeCommand): void;
    },
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private topic(kind: 'cmd' | 'status' | 'ack'): string {
    return deviceTopic(this.settings.communeCode, this.settings.deviceId, kind);
  }

  start(): void {
    const { settings } = this;
    const client = mqtt.connect(settings.url, {
      clientId: settings.deviceId,
      username: settings.username,
      password: settings.password,
      keepalive: settings.keepaliveSeconds,
      clean: true,
      connectTimeout: 10000,
      reconnectPeriod: 1000,
      will: {
        topic: this.topic('status'),
        payload: encodeMessage(LAST_WILL),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    client.on('connect', () => {
      this.failures = 0;
      client.options.reconnectPeriod = 1000;
      this.logger.log(`Connected to the broker ${settings.url}`);
      client.subscribe(this.topic('cmd'), { qos: 1 }, (error) => {
        if (error) this.logger.error(`Could not subscribe to commands: ${error.message}`);
      });
      this.handlers.onConnect();
    });
    client.on('close', () => {
      this.failures++;
      client.options.reconnectPeriod = backoffMs(this.failures, settings.maxBackoffMs);
    });
    client.on('error', (error) => {
      const code = (error as { code?: number }).code;
      if (code === 4 || code === 5 || code === 134 || code === 135) {
        // Refused credentials: revoked or rotated. Try again rarely; the box needs enrolment.
        this.failures = 100;
        this.logger.error(
          'The broker refuses this box’s credentials: it was revoked, enrol it again with a new code',
        );
      } else {
        this.logger.warn(`Broker: ${error.message}`);
      }
    });
    client.on('message', (topic, payload) => {
      if (topic !== this.topic('cmd')) return;
      const command = parseCommand(payload);
      if (!command.ok) {
        this.logger.warn(`Ignored a bad command: ${command.error}`);
        return;
      }
      const endsAt = command.value.type === 'play-emergency' ? endsAtOf(payload) : undefined;
      this.handlers.onCommand(endsAt ? { ...command.value, endsAt } : command.value);
    });
  }

  publishStatus(status: StatusMessage): void {
    if (!this.client?.connected) return;
    this.client.publish(this.topic('status'), encodeMessage(status), { qos: 1, retain: true });
  }

  ack(ack: EdgeAck): void {
    this.client?.publish(this.topic('ack'), Buffer.from(JSON.stringify(ack)), { qos: 1 });
  }

  /** A clean stop publishes the offline status itself (the Last Will is for unclean ends). */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(this.topic('status'), encodeMessage(LAST_WILL), { qos: 1, retain: true })
        .catch(() => undefined);
    }
    await client.endAsync(true).catch(() => undefined);
  }
}
