import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import type { AlertKind, FleetAlert } from '../types.js';

const KIND_TEXT: Record<AlertKind, string> = {
  'device-offline': 'Mất kết nối',
  'cache-incomplete': 'Thiếu bộ nhớ đệm',
  'clock-skew': 'Lệch đồng hồ',
  'receipt-refused': 'Biên nhận bị từ chối',
  'dead-air': 'Im lặng trên sóng',
};

/**
 * The open fleet alerts, on top of a clusters page: each with its kind, its Vietnamese message,
 * since when, and (on a province's page) its commune.
 */
export function alertList(alerts: readonly FleetAlert[], withCommune: boolean): HTMLElement {
  return h(
    'section',
    { class: 'fleet-alerts', 'aria-labelledby': 'fleet-alerts-title' },
    h(
      'h2',
      { id: 'fleet-alerts-title' },
      alerts.length === 0 ? 'Không có cảnh báo' : `Cảnh báo đang mở (${alerts.length})`,
    ),
    alerts.length === 0
      ? null
      : h(
          'ul',
          { class: 'alert-list' },
          alerts.map((alert) =>
            h(
              'li',
              { class: `fleet-alert alert-${alert.kind}`, 'data-alert': alert.kind },
              h('span', { class: 'badge status-offline' }, KIND_TEXT[alert.kind]),
              ' ',
              h('span', { class: 'alert-message' }, alert.message),
              h(
                'span',
                { class: 'muted small' },
                withCommune ? ` · ${alert.communeName}` : '',
                ` · từ ${formatDateTime(alert.since)}`,
              ),
            ),
          ),
        ),
  );
}
