import { Injectable, Logger } from '@nestjs/common';

/** Called when a device comes online: `at` is when its status said so. */
export type ArrivalListener = (communeCode: string, deviceId: string, at: Date) => Promise<void>;

/**
 * Devices coming online, for the modules that owe them something then (a live session on air
 * sends its `play-live`): they register here, so the fleet's MQTT side knows nothing of them.
 */
@Injectable()
export class DeviceArrivals {
  private readonly logger = new Logger(DeviceArrivals.name);
  private readonly listeners: ArrivalListener[] = [];

  listen(listener: ArrivalListener): void {
    this.listeners.push(listener);
  }

  arrived(communeCode: string, deviceId: string, at: Date): void {
    for (const listener of this.listeners) {
      listener(communeCode, deviceId, at).catch((error: unknown) =>
        this.logger.warn(`Device ${deviceId} online: ${String(error)}`),
      );
    }
  }
}
