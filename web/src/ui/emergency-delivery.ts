import { errorText, get } from '../api.js';
import { h } from '../dom.js';
import { formatTime, formatTimeSeconds } from '../format.js';
import type { EmergencyDeviceRef, EmergencyReport } from '../types.js';
import { openDialog } from './dialog.js';

/** How often the delivery is read again while the emergency is on air. */
const REFRESH_MS = 2000;

function group(
  title: string,
  kind: string,
  refs: readonly EmergencyDeviceRef[],
  detail: (ref: EmergencyDeviceRef) => string | null = () => null,
  note: string | null = null,
): HTMLElement {
  return h(
    'section',
    { class: `delivery-group delivery-${kind}` },
    h('h3', null, `${title}: ${refs.length}`),
    note ? h('p', { class: 'muted small' }, note) : null,
    refs.length === 0
      ? null
      : h(
          'ul',
          null,
          refs.map((ref) => {
            const extra = detail(ref);
            return h(
              'li',
              null,
              ref.name,
              extra ? h('span', { class: 'muted' }, ` (${extra})`) : null,
            );
          }),
        ),
  );
}

/**
 * Why a registered cluster that has not connected yet is not among those that missed it: it could
 * receive nothing, and the as-run log (built from enrolled clusters' receipts) does not count it.
 */
function notEnrolledNote(running: boolean): string {
  return running
    ? 'Cụm loa đã đăng ký nhưng chưa được khởi động với mã đăng ký, nên chưa nhận được lệnh; cụm nào kết nối trong lúc bản tin còn phát sẽ nhận lệnh ngay. Nhật ký phát thanh không tính các cụm này.'
    : 'Cụm loa đã đăng ký nhưng chưa kết nối trước khi bản tin kết thúc, nên không thể nhận lệnh. Nhật ký phát thanh không tính các cụm này.';
}

/**
 * The delivery of an emergency: sent, received, playing, failed and offline clusters by name, and
 * apart from them the registered clusters that had never connected. "Đã gửi" counts the clusters
 * the commune's as-run record waits for, as its reconciliation does.
 */
export function deliveryView(report: EmergencyReport): HTMLElement {
  const unenrolled = new Set(report.notEnrolled.map((ref) => ref.deviceId));
  const sent = report.targeted.filter((target) => !unenrolled.has(target.deviceId));
  const received = report.acknowledged.filter((ack) => ack.ok);
  const refused = report.acknowledged.filter((ack) => !ack.ok);
  const ackTimes = new Map(received.map((ack) => [ack.deviceId, ack.acknowledgedAt]));
  const startTimes = new Map(report.started.map((start) => [start.deviceId, start.startedAt]));
  const errors = new Map(
    refused.map((ack) => [
      ack.deviceId,
      // The box's word for a command that reached it after the emergency had ended.
      ack.error === 'expired' ? 'nhận lệnh khi đã hết giờ phát' : ack.error,
    ]),
  );
  const answered = new Set(report.acknowledged.map((ack) => ack.deviceId));
  // Online when it was sent, and no answer yet: its link may have dropped since.
  const waiting = report.targeted.filter(
    (target) => target.onlineWhenSent && !answered.has(target.deviceId),
  );
  return h(
    'div',
    { class: 'emergency-delivery', 'aria-live': 'polite' },
    h(
      'p',
      { class: 'muted' },
      `Phát lúc ${formatTime(report.createdAt)}, kết thúc lúc ${formatTime(report.endsAt)}`,
      report.zones ? ` — vùng: ${report.zones.join(', ')}` : ' — mọi cụm loa',
      report.running ? ' — đang phát, tự cập nhật.' : ' — đã kết thúc.',
    ),
    report.targeted.length === 0
      ? h('p', null, 'Không có cụm loa nào nhận lệnh này; bản tin chỉ phát qua máy chủ của xã.')
      : [
          group('Đã gửi', 'sent', sent),
          group('Đã nhận', 'received', received, (ref) => {
            const at = ackTimes.get(ref.deviceId);
            return at ? formatTimeSeconds(at) : null;
          }),
          group('Đã phát', 'started', report.started, (ref) => {
            const at = startTimes.get(ref.deviceId);
            return at ? `từ ${formatTimeSeconds(at)}` : null;
          }),
          refused.length > 0
            ? group(
                'Không phát được',
                'refused',
                refused,
                (ref) => errors.get(ref.deviceId) ?? null,
              )
            : null,
          waiting.length > 0 ? group('Chưa phản hồi', 'waiting', waiting) : null,
          group('Mất kết nối', 'offline', report.offline),
          report.notEnrolled.length > 0
            ? group(
                'Chưa kết nối lần nào',
                'not-enrolled',
                report.notEnrolled,
                undefined,
                notEnrolledNote(report.running),
              )
            : null,
        ],
  );
}

/** A dialog with the emergency's delivery, read again every two seconds while it is on air. */
export function openEmergencyDelivery(
  id: string,
  title = 'Tình hình phát khẩn cấp',
): Promise<void> {
  return openDialog(title, () => {
    const body = h('div', null, h('p', { class: 'muted' }, 'Đang tải…'));
    const load = async (): Promise<void> => {
      try {
        const report = await get<EmergencyReport>(`/emergencies/${id}`);
        body.replaceChildren(deliveryView(report));
        // Read again while on air and while the dialog is open (closing it removes the body).
        if (report.running && body.isConnected) window.setTimeout(() => void load(), REFRESH_MS);
      } catch (error) {
        body.replaceChildren(h('p', { class: 'error' }, errorText(error)));
      }
    };
    void load();
    return body;
  });
}
