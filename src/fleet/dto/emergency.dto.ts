import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID, Matches } from 'class-validator';

export class ProvinceEmergencyDto {
  @IsUUID()
  bulletinId!: string;

  /**
   * The communes (of the province) that play it; left out: every commune of the province that
   * has devices.
   */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(/^\d{5}$/, { each: true, message: 'each commune must be a 5-digit commune code' })
  communes?: string[];
}
