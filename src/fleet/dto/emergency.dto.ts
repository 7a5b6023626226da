import { IsUUID } from 'class-validator';
import { ProvinceCommunesProperty } from '../../geo/communes-property';

export class ProvinceEmergencyDto {
  @IsUUID()
  bulletinId!: string;

  /**
   * The communes (of the province) that play it; left out: every commune of the province that
   * has devices.
   */
  @ProvinceCommunesProperty()
  communes?: string[];
}
