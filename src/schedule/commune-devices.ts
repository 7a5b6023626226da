import { EntityManager } from 'typeorm';

/**
 * What the program log needs to know of a commune's devices (speaker clusters): the zones each
 * sits in, for the per-zone overlap rule and to refuse unknown zones. The schedule feature
 * defines this port and the fleet feature provides it (FleetModule): fleet reads the program
 * log, so schedule importing fleet's services would make a cycle.
 */
export abstract class CommuneDevices {
  /**
   * One list of zones per device, for each of the communes (an empty list for a commune without
   * devices), in one query: a province's plan asks for all of its communes at once.
   */
  abstract zonesOfDevicesIn(
    manager: EntityManager,
    communeCodes: readonly string[],
  ): Promise<Map<string, string[][]>>;

  /** One list of zones per device of the commune (empty when it has no devices). */
  async zonesOfDevices(manager: EntityManager, communeCode: string): Promise<string[][]> {
    return (await this.zonesOfDevicesIn(manager, [communeCode])).get(communeCode) ?? [];
  }
}
