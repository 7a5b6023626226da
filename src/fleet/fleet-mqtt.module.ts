import { Module } from '@nestjs/common';
import { FleetMqtt } from './fleet-mqtt';

/**
 * The fleet's broker side: the embedded broker (without MQTT_URL) and the server's MQTT client.
 * Only the process that serves the API imports it (app.module.ts): exactly one role owns it, and
 * a worker or scheduler process holds no broker and no port.
 */
@Module({
  providers: [FleetMqtt],
})
export class FleetMqttModule {}
