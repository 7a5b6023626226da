import { Injectable, Logger } from '@nestjs/common';

/** A refused receipt, as the alerts of the commune's operators and the province show it. */
export interface ReceiptRefusedAlert {
  kind: 'receipt-refused';
  communeCode: string;
  deviceId: string;
  message: string;
}

/**
 * Where refused receipts are reported. The seam for the fleet's alerts module (`raise()`, built
 * on its own branch): until it is wired here, the default only logs. Provided under
 * `RECEIPT_ALERTS`; replace the provider to raise real alerts.
 */
export interface ReceiptAlerts {
  raise(alert: ReceiptRefusedAlert): Promise<void>;
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
}
