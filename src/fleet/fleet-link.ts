import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';

/** What the fleet's services need of the broker connection (FleetMqtt, in the `api` process). */
export interface MqttLink {
  /** Publishes and resolves once the broker took it (QoS 1: its PUBACK). */
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void>;
  /** Ends the device's broker session at once, if this process's embedded broker holds it. */
  disconnect(deviceId: string): Promise<void>;
  /** The broker URL devices are told at enrolment, the API having been reached at `hostname`. */
  deviceUrl(hostname: string): string;
}

/**
 * Where the services find the broker connection. The MQTT side only runs in the process that
 * serves the API (APP_ROLES with `api`); it attaches itself here when connected.
 */
@Injectable()
export class FleetLink {
  private link: MqttLink | null = null;

  attach(link: MqttLink | null): void {
    this.link = link;
  }

  get(): MqttLink {
    if (!this.link) {
      throw new DomainError('BROKER_UNAVAILABLE', 'The MQTT broker is not reachable; try again', {
        retryAfterSeconds: 5,
      });
    }
    return this.link;
  }

  optional(): MqttLink | null {
    return this.link;
  }
}
