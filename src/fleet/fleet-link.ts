import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';

/** What the fleet's services need of the broker connection (FleetMqtt, in the `api` process). */
export interface MqttLink {
  /** Publishes and resolves once the broker took it (QoS 1: its PUBACK). */
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void>;
  /**
   * Makes the broker accept the device's new password (an external Mosquitto with
   * MQTT_DEVICE_AUTH=mosquitto-dynsec); the embedded broker reads the database and needs nothing.
   */
  provision(deviceId: string, communeCode: string, password: string): Promise<void>;
  /**
   * Ends the device's broker session at once and makes the broker refuse its password: the
   * embedded broker closes it (the next connection is checked against the database), Mosquitto's
   * dynamic security deletes the device's client.
   */
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
