import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DAY_MS } from '../common/local-time';
import { newId } from '../common/ids';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { AlertScope, AlertsRepository } from './alerts.repository';
import { Alert, AlertKind } from './entities/alert.entity';
import { AlertView } from './alert.view';

/** Which alert: at most one of each identity is open at a time. */
export interface AlertIdentity {
  communeCode: string;
  kind: AlertKind;
  /** The device it is about; absent for a commune-wide alert. */
  deviceId?: string | null;
  /** Tells apart alerts of one kind and device (a receipt id, `<date>-<windowId>`); default ''. */
  subject?: string;
}

export interface RaisedAlert extends AlertIdentity {
  /** Vietnamese, names the cluster (see `clusterLabel` in device-alerts.ts). */
  message: string;
}

export interface AlertListOptions {
  /** With cleared alerts of the last `days` days (history), not only the open ones. */
  includeCleared: boolean;
  days: number;
}

/** Longest list a route returns: open alerts first come from a bounded set of devices. */
const LIST_LIMIT = 1000;

export function openKey(identity: AlertIdentity): string {
  return [
    identity.communeCode,
    identity.kind,
    identity.deviceId ?? '',
    identity.subject ?? '',
  ].join('|');
}

/**
 * The fleet's alerts, and the one API every feature raises them through.
 *
 * - `raise({communeCode, kind, deviceId?, subject?, message})` opens the alert of that identity
 *   (commune, kind, device, subject) unless one is open already, and answers the open one (its
 *   message brought up to date: "lệch 3,2 giây" becomes "lệch 4,5 giây", `since` stays). It is
 *   idempotent and safe from several processes at once: the table's unique open key decides, so
 *   a repeated or concurrent raise never makes a second open alert.
 * - `clear({communeCode, kind, deviceId?, subject?})` closes the open alert of that identity
 *   (`clearedAt` = now; the row stays as history); nothing happens when none is open.
 *
 * A feature raises while its condition holds and clears when it is gone; raising again later opens
 * a new alert. For example, the receipts feature: `raise({communeCode, kind: 'receipt-refused',
 * deviceId, subject: receiptId, message: 'Biên nhận của cụm loa … bị từ chối: …'})`; dead-air
 * detection: `raise({communeCode, kind: 'dead-air', deviceId, subject: '<date>-<windowId>', …})`.
 * The kinds `device-offline`, `cache-incomplete` and `clock-skew` belong to DeviceAlerts.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    private readonly db: Db,
    private readonly alerts: AlertsRepository,
    private readonly geo: GeoService,
    private readonly clock: Clock,
  ) {}

  async raise(input: RaisedAlert): Promise<Alert> {
    const key = openKey(input);
    const open = await this.alerts.findOpen(key);
    if (open) {
      if (open.message !== input.message) {
        open.message = input.message;
        await this.alerts.updateMessage(open.id, input.message);
      }
      return open;
    }
    const now = this.clock.now();
    const alert: Alert = {
      id: newId(now.getTime()),
      communeCode: input.communeCode,
      provinceCode: this.geo.commune(input.communeCode).provinceCode,
      kind: input.kind,
      deviceId: input.deviceId ?? null,
      subject: input.subject ?? '',
      message: input.message,
      since: now,
      clearedAt: null,
      openKey: key,
    };
    try {
      await this.db.write((manager) => this.alerts.insert(alert, manager));
    } catch (error) {
      // Another process raised the same alert first: its row is the open one.
      const winner = await this.alerts.findOpen(key);
      if (winner) return winner;
      throw error;
    }
    this.logger.log(`Alert raised (${alert.kind}, commune ${alert.communeCode}): ${alert.message}`);
    return alert;
  }

  async clear(identity: AlertIdentity): Promise<boolean> {
    const cleared = await this.alerts.clear(openKey(identity), this.clock.now());
    if (cleared)
      this.logger.log(`Alert cleared (${identity.kind}, commune ${identity.communeCode})`);
    return cleared;
  }

  listCommune(communeCode: string, options: AlertListOptions): Promise<AlertView[]> {
    this.geo.commune(communeCode);
    return this.list({ communeCode }, options);
  }

  listProvince(provinceCode: string, options: AlertListOptions): Promise<AlertView[]> {
    this.geo.province(provinceCode);
    return this.list({ provinceCode }, options);
  }

  private async list(scope: AlertScope, options: AlertListOptions): Promise<AlertView[]> {
    const since = options.includeCleared
      ? new Date(this.clock.nowMs() - options.days * DAY_MS)
      : null;
    const alerts = await this.alerts.list(scope, since, LIST_LIMIT);
    return alerts.map((alert) => this.view(alert));
  }

  private view(alert: Alert): AlertView {
    return {
      id: alert.id,
      kind: alert.kind,
      communeCode: alert.communeCode,
      communeName: this.geo.commune(alert.communeCode).name,
      deviceId: alert.deviceId,
      message: alert.message,
      since: alert.since.toISOString(),
      clearedAt: alert.clearedAt?.toISOString() ?? null,
    };
  }
}

export { AlertView } from './alert.view';
