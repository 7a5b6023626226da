import { IsUUID } from 'class-validator';
import { Omittable } from '../../common/validation';

export class RejectedReceiptsQueryDto {
  /** One cluster of the commune; left out: all of them. */
  @Omittable()
  @IsUUID('all', { message: 'device must be a device id' })
  device?: string;
}
