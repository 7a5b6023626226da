import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommuneDevices } from '../schedule/commune-devices';
import { DevicesRepository } from './devices.repository';

/** The fleet's side of the program log's CommuneDevices port: the zones of a commune's devices. */
@Injectable()
export class FleetCommuneDevices extends CommuneDevices {
  constructor(private readonly devices: DevicesRepository) {
    super();
  }

  async zonesOfDevicesIn(
    manager: EntityManager,
    communeCodes: readonly string[],
  ): Promise<Map<string, string[][]>> {
    const devices = await this.devices.listByCommunes(communeCodes, manager);
    return new Map(
      [...devices].map(([code, list]) => [code, list.map((device) => device.zones)] as const),
    );
  }
}
