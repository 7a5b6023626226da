import { AlertKind } from './entities/alert.entity';

export class AlertView {
  id!: string;
  kind!: AlertKind;
  communeCode!: string;
  communeName!: string;
  deviceId!: string | null;
  message!: string;
  since!: string;
  clearedAt!: string | null;
}
