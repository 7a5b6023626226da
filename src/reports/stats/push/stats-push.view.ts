import { StatsPushStatus } from '../entities/stats-push-delivery.entity';

/** A province's push target as served: the secret never, only that one is set. */
export class StatsPushTargetView {
  provinceCode!: string;
  url!: string;
  startsOn!: string;
  secretSet!: true;
  updatedAt!: string;
}

export class StatsPushState {
  provinceCode!: string;
  target!: StatsPushTargetView | null;
  /** The latest deliveries, newest day first (each revision of a day on its own). */
  deliveries!: StatsPushDeliveryView[];
}

export class StatsPushDeliveryView {
  date!: string;
  revision!: number;
  idempotencyKey!: string;
  status!: StatsPushStatus;
  attempts!: number;
  lastStatusCode!: number | null;
  lastError!: string | null;
  lastAttemptAt!: string | null;
  deliveredAt!: string | null;
  createdAt!: string;
}
