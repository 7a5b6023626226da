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

  async zonesOfDevices(manager: EntityManager, communeCode: string): Promise<string[][]> {
    return (await this.devices.listByCommune(communeCode, manager)).map((device) => device.zones);
  }
}
