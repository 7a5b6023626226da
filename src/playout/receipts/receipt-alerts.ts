import { Injectable, Logger } from '@nestjs/common';

/** The identity of a device's `receipt-refused` alert (the alerts module's identity fields). */
export interface ReceiptAlertIdentity {
  kind: 'receipt-refused';
  communeCode: string;
  deviceId: string;
}

/** A refused receipt, as the commune's operators and the province's monitors read it. */
export interface ReceiptRefusedAlert extends ReceiptAlertIdentity {
  /** Vietnamese, for people. */
  message: string;
}

/**
 * Where refused receipts are reported: the seam for the fleet's alerts (`AlertsService`, built
 * on its own branch, has this `raise`/`clear` shape). Until it is wired here (`{provide:
 * RECEIPT_ALERTS, useExisting: AlertsService}`), the default only logs. `raise` is called for
 * each refused upload (one open alert per device: a repeat updates its message), `clear` once an
 * upload of the device passes whole.
 */
export interface ReceiptAlerts {
  raise(alert: ReceiptRefusedAlert): Promise<unknown>;
  clear(identity: ReceiptAlertIdentity): Promise<unknown>;
}

export const RECEIPT_ALERTS = Symbol('RECEIPT_ALERTS');

@Injectable()
export class LoggingReceiptAlerts implements ReceiptAlerts {
  private readonly logger = new Logger('ReceiptAlerts');

  raise(alert: ReceiptRefusedAlert): Promise<void> {
    this.logger.warn(
      `${alert.kind} (device ${alert.deviceId}, commune ${alert.communeCode}): ${alert.message}`,
    );
    return Promise.resolve();
  }

  clear(): Promise<void> {
    return Promise.resolve();
  }
}
