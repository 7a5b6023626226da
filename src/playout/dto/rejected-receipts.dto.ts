import { IsOptional, IsUUID } from 'class-validator';

export class RejectedReceiptsQueryDto {
  /** One cluster of the commune; left out: all of them. */
  @IsOptional()
  @IsUUID('all', { message: 'device must be a device id' })
  device?: string;
}
