import { errorText, get, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import {
  formatDate,
  formatDateTime,
  formatDurationMs,
  formatTimeSeconds,
  localDateOf,
} from '../format.js';
import { OUTCOME_LABEL, RECEIPT_REJECTION_LABEL } from '../labels.js';
import { navigate, Page } from '../router.js';
import type {
  CreatedDevice,
  Device,
  EnrolmentCode,
  FleetAlert,
  RejectedReceipt,
} from '../types.js';
import { alertList } from '../ui/alerts.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { field, form, input } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

/** A zone code as the server takes it (src/fleet/protocol/identity.ts). */
const ZONE_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * The enrolment code of a cluster just registered (or given a new code), to read out to the
 * technician who sets up the box: it is shown this once, and works once, until it expires.
 */
function showEnrolmentCode(name: string, code: EnrolmentCode): Promise<void> {
  return openDialog(`Mã đăng ký của cụm loa “${name}”`, (close) =>
    h(
      'div',
      { 'data-testid': 'enrolment-code' },
      h('p', null, 'Đọc mã này cho kỹ thuật viên lắp đặt cụm loa:'),
      h('p', { class: 'enrolment-code' }, h('strong', null, code.enrolmentCode)),
      h(
        'p',
        null,
        `Mã chỉ dùng được một lần, hết hạn lúc ${formatDateTime(code.enrolmentExpiresAt)}. `,
        'Kỹ thuật viên khởi động cụm loa với mã này (biến EDGE_ENROLMENT_CODE); cụm loa tự tạo khoá, ',
        'nhận thông tin kết nối và hiện trong danh sách là “Đang hoạt động”.',
      ),
      h(
        'p',
        { class: 'muted' },
        'Mã chỉ hiện lần này. Nếu mất mã hoặc mã hết hạn, chọn “Cấp mã mới” ở dòng của cụm loa.',
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onClick: close }, 'Đã ghi lại mã'),
      ),
    ),
  );
}

/** The form that registers a cluster: its name and the zones (thôn, tổ dân phố) it covers. */
function registerForm(commune: string): HTMLFormElement {
  const name = input({
    name: 'name',
    required: true,
    maxlength: 100,
    placeholder: 'Ví dụ: Cụm loa thôn 1',
  });
  const zones = input({ name: 'zones', placeholder: 'Ví dụ: thon-1, tdp-bac-son' });
  return form(
    { class: 'card form-grid', 'aria-label': 'Đăng ký cụm loa' },
    [
      h('h2', null, 'Đăng ký cụm loa'),
      field('Tên cụm loa', name),
      field('Vùng phát (mã thôn, tổ dân phố; để trống nếu phát cả xã)', zones),
    ],
    'Đăng ký và lấy mã',
    async (message) => {
      const wanted = zones.value
        .split(/[,\s]+/)
        .map((zone) => zone.trim())
        .filter((zone) => zone.length > 0);
      if (!name.value.trim()) {
        message.show('Nhập tên cụm loa.');
        return;
      }
      const wrong = wanted.filter((zone) => !ZONE_PATTERN.test(zone));
      if (wrong.length > 0) {
        message.show(
          `Mã vùng phát không hợp lệ: ${wrong.join(', ')}. Mỗi mã gồm 1–32 chữ thường không dấu, chữ số hoặc dấu “-”, bắt đầu bằng chữ hoặc số.`,
        );
        return;
      }
      const created = await post<CreatedDevice>(`/communes/${commune}/devices`, {
        name: name.value.trim(),
        zones: wanted,
      });
      await showEnrolmentCode(created.name, created);
      navigate('/cum-loa');
    },
  ).form;
}

const STATUS_TEXT: Record<Device['status'], string> = {
  online: 'Đang hoạt động',
  offline: 'Mất kết nối',
  'never-seen': 'Chưa kết nối',
};

function statusText(device: Device): string {
  if (device.status === 'online' && device.playing) return 'Đang phát';
  return STATUS_TEXT[device.status];
}

/** A cluster's status as a coloured badge ("Đang phát", "Mất kết nối", …). */
export function statusBadge(device: Device): HTMLElement {
  return h('span', { class: `badge status-${device.status}` }, statusText(device));
}

function powerText(device: Device): string {
  if (device.power === null) return '—';
  return device.power === 'on' ? 'Bật' : 'Tắt';
}

/**
 * Cụm loa: the commune's open alerts, then its speaker clusters, their status, and sync and power
 * commands.
 */
/** What a cluster's receipt says it played: its times and length, or that it did not play. */
function reportedPlay(receipt: RejectedReceipt): string {
  if (!receipt.startedAt || !receipt.endedAt) return OUTCOME_LABEL[receipt.outcome];
  return (
    `${formatDate(localDateOf(receipt.startedAt))} ${formatTimeSeconds(receipt.startedAt)}` +
    ` – ${formatTimeSeconds(receipt.endedAt)} (${formatDurationMs(receipt.playedMs)})`
  );
}

/**
 * The receipts the clusters sent that are kept but not counted as airtime: the commune's
 * as-run log has no record of these plays. Nothing when there are none.
 */
function rejectedReceiptsSection(receipts: RejectedReceipt[]): HTMLElement | null {
  if (receipts.length === 0) return null;
  return h(
    'section',
    { 'aria-labelledby': 'rejected-receipts' },
    h('h2', { id: 'rejected-receipts' }, 'Biên nhận phát không được tính'),
    h(
      'p',
      { class: 'muted' },
      'Cụm loa đã gửi các biên nhận này nhưng giờ phát ghi trong đó không thể đúng, nên không được tính vào thời lượng phát của xã. Thường do đồng hồ của cụm loa bị sai: hãy kiểm tra giờ trên thiết bị.',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        tableHead([
          'Cụm loa',
          'Biên nhận số',
          'Bản tin',
          'Giờ đã xếp',
          'Cụm loa báo phát',
          'Lý do không tính',
          'Máy chủ nhận lúc',
        ]),
        h(
          'tbody',
          null,
          receipts.map((receipt) =>
            h(
              'tr',
              { 'data-receipt': `${receipt.deviceId}-${receipt.seq}` },
              h('td', null, receipt.deviceName ?? 'Cụm loa đã xoá'),
              h('td', null, String(receipt.seq)),
              h('td', null, receipt.title ?? '—'),
              h(
                'td',
                null,
                receipt.itemStartsAt
                  ? `${formatDateTime(receipt.itemStartsAt)} (${formatDurationMs(receipt.itemDurationMs)})`
                  : '—',
              ),
              h('td', null, reportedPlay(receipt)),
              h('td', null, RECEIPT_REJECTION_LABEL[receipt.problem] ?? receipt.problem),
              h('td', null, formatDateTime(receipt.receivedAt)),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function devicesPage(context: AppContext): Promise<Page> {
  const commune = communeCode(context);
  const [devices, alerts, rejected] = await Promise.all([
    get<Device[]>(`/communes/${commune}/devices`),
    get<FleetAlert[]>(`/communes/${commune}/alerts`),
    get<RejectedReceipt[]>(`/communes/${commune}/rejected-receipts`),
  ]);
  const command = async (device: Device, body: Record<string, unknown>, done: string) => {
    try {
      await post(`/communes/${commune}/devices/${device.id}/commands`, body);
      toast(done);
    } catch (error) {
      toast(errorText(error), 'error');
    }
  };
  /** A new code revokes what the box enrolled with: it must enrol again (a replaced box, a lost code). */
  const newCode = async (device: Device) => {
    const yes = await confirmDialog({
      title: `Cấp mã đăng ký mới cho “${device.name}”?`,
      body: h(
        'p',
        null,
        'Cụm loa đang dùng sẽ bị thu hồi thông tin kết nối và ngừng nhận lịch phát cho tới khi được đăng ký lại bằng mã mới. Dùng khi thay thiết bị, hoặc khi mã cũ bị mất hay hết hạn.',
      ),
      confirmLabel: 'Cấp mã mới',
      cancelLabel: 'Giữ nguyên',
      danger: true,
    });
    if (!yes) return;
    try {
      const code = await post<EnrolmentCode>(
        `/communes/${commune}/devices/${device.id}/enrolment-code`,
      );
      await showEnrolmentCode(device.name, code);
      navigate('/cum-loa');
    } catch (error) {
      toast(errorText(error), 'error');
    }
  };
  /** Switched off, the amplifiers miss every item due until they are switched on again. */
  const powerOff = async (device: Device) => {
    const yes = await confirmDialog({
      title: `Tắt loa của cụm “${device.name}”?`,
      body: h(
        'p',
        null,
        'Các bản tin đến giờ phát sẽ bị lỡ cho tới khi bật lại. Bật lại bằng nút “Bật” ở dòng của cụm loa.',
      ),
      confirmLabel: 'Tắt loa',
      cancelLabel: 'Để loa bật',
      danger: true,
    });
    if (yes) {
      await command(device, { type: 'power', power: 'off' }, `Đã gửi lệnh tắt tới ${device.name}.`);
    }
  };
  const button = (label: string, aria: string, onClick: () => void) =>
    h('button', { type: 'button', class: 'link-button', 'aria-label': aria, onClick }, label);

  const table =
    devices.length === 0
      ? emptyState('Xã chưa đăng ký cụm loa nào. Đăng ký từng cụm ở biểu mẫu bên dưới.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            tableHead([
              'Cụm loa',
              'Trạng thái',
              'Vùng phát',
              'Lần cuối thấy',
              'Âm lượng',
              'Nguồn',
              ACTIONS_COLUMN,
            ]),
            h(
              'tbody',
              null,
              devices.map((device) =>
                h(
                  'tr',
                  { 'data-device': device.id },
                  h('td', null, device.name),
                  h('td', null, statusBadge(device)),
                  h('td', null, device.zones.length > 0 ? device.zones.join(', ') : 'Cả xã'),
                  h('td', null, device.lastSeenAt ? formatDateTime(device.lastSeenAt) : '—'),
                  h('td', null, device.volume === null ? '—' : `${device.volume}%`),
                  h('td', null, powerText(device)),
                  h(
                    'td',
                    null,
                    button(
                      'Đồng bộ',
                      `Đồng bộ ${device.name}`,
                      () =>
                        void command(
                          device,
                          { type: 'sync' },
                          `Đã gửi lệnh đồng bộ tới ${device.name}.`,
                        ),
                    ),
                    ' · ',
                    button(
                      'Cấp mã mới',
                      `Cấp mã đăng ký mới cho ${device.name}`,
                      () => void newCode(device),
                    ),
                    ' · ',
                    device.power === 'off'
                      ? button(
                          'Bật',
                          `Bật ${device.name}`,
                          () =>
                            void command(
                              device,
                              { type: 'power', power: 'on' },
                              `Đã gửi lệnh bật tới ${device.name}.`,
                            ),
                        )
                      : button('Tắt', `Tắt ${device.name}`, () => void powerOff(device)),
                  ),
                ),
              ),
            ),
          ),
        );
  return {
    title: 'Cụm loa',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Cụm loa'),
      alertList(alerts, false),
      h(
        'p',
        { class: 'muted' },
        'Các cụm thu phát thanh của xã: trạng thái kết nối, vùng phát, âm lượng. Lệnh gửi tới cụm loa qua mạng; cụm mất kết nối sẽ nhận lệnh khi kết nối lại.',
      ),
      table,
      h(
        'p',
        null,
        h(
          'button',
          { type: 'button', class: 'button secondary small', onClick: () => navigate('/cum-loa') },
          'Làm mới',
        ),
      ),
      rejectedReceiptsSection(rejected),
      registerForm(commune),
    ),
  };
}
