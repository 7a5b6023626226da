import { ApiError, del, errorText, get, patch, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { statusProblemText } from '../errors-vi.js';
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
  DeviceChange,
  DeviceZoneItem,
  EnrolmentCode,
  FleetAlert,
  RejectedReceipt,
} from '../types.js';
import { alertList } from '../ui/alerts.js';
import { chooseDialog, confirmDialog, openDialog } from '../ui/dialog.js';
import { field, form, input } from '../ui/form.js';
import type { MessageBox } from '../ui/notice.js';
import { emptyState, toast } from '../ui/notice.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

/** A zone code as the server takes it (src/fleet/protocol/identity.ts). */
const ZONE_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * The zone codes typed (separated by commas or spaces), or null when one is wrong: the message
 * then says which and why.
 */
function typedZones(text: string, message: MessageBox): string[] | null {
  const zones = text
    .split(/[,\s]+/)
    .map((zone) => zone.trim())
    .filter((zone) => zone.length > 0);
  const wrong = zones.filter((zone) => !ZONE_PATTERN.test(zone));
  if (wrong.length > 0) {
    message.show(
      `Mã vùng phát không hợp lệ: ${wrong.join(', ')}. Mỗi mã gồm 1–32 chữ thường không dấu, chữ số hoặc dấu “-”, bắt đầu bằng chữ hoặc số.`,
    );
    return null;
  }
  return zones;
}

/** Items listed in a question; the rest are counted. */
const SHOWN_ITEMS = 5;

/**
 * When the API refused a cluster's edit or deletion because future items would be left with no
 * cluster in their zones (409 DEVICE_ZONE_HAS_ITEMS), asks whether to cancel them: true to repeat
 * the request with `?dropItems=true`, false when the person keeps things as they are. Any other
 * error is thrown on.
 */
async function askToDropItems(error: unknown, doing: string): Promise<boolean> {
  if (!(error instanceof ApiError) || error.code !== 'DEVICE_ZONE_HAS_ITEMS') throw error;
  const items = ((error.body as { items?: DeviceZoneItem[] }).items ?? []).slice();
  const shown = items.slice(0, SHOWN_ITEMS);
  const choice = await chooseDialog(
    'Có lượt phát sẽ không còn cụm loa nào phát',
    h(
      'div',
      { 'data-testid': 'zone-items' },
      h(
        'p',
        null,
        `Sau khi ${doing}, `,
        h('strong', null, `${items.length} lượt phát`),
        ' sắp tới không còn cụm loa nào ở vùng phát của chúng, nên sẽ không được phát ở đâu:',
      ),
      h(
        'ul',
        { class: 'small' },
        shown.map((item) =>
          h(
            'li',
            null,
            `${item.localTime} — ${item.title ?? 'không rõ tên'} (${item.zones ? `vùng ${item.zones.join(', ')}` : 'cả xã'})`,
          ),
        ),
        items.length > shown.length
          ? h('li', null, `và ${items.length - shown.length} lượt khác`)
          : null,
      ),
      h(
        'p',
        { class: 'muted' },
        'Có thể huỷ các lượt phát này, hoặc quay lại và giao vùng phát cho một cụm loa khác trước.',
      ),
    ),
    [{ value: 'drop', label: `Vẫn lưu và huỷ ${items.length} lượt phát`, danger: true }],
    'Giữ nguyên cụm loa',
  );
  return choice === 'drop';
}

/** The toast after a change: what was saved, and how many items were cancelled with it. */
function savedText(done: string, dropped: number): string {
  return dropped > 0 ? `${done} Đã huỷ ${dropped} lượt phát.` : done;
}

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
      if (!name.value.trim()) {
        message.show('Nhập tên cụm loa.');
        return;
      }
      const wanted = typedZones(zones.value, message);
      if (!wanted) return;
      const created = await post<CreatedDevice>(`/communes/${commune}/devices`, {
        name: name.value.trim(),
        zones: wanted,
      });
      await showEnrolmentCode(created.name, created);
      navigate('/cum-loa');
    },
  ).form;
}

type DeviceLocation = NonNullable<Device['location']>;

/**
 * The location typed: null when all three fields are empty (none), undefined when something is
 * wrong (the message says what). A note goes with coordinates, as the API keeps them.
 */
function typedLocation(
  lat: HTMLInputElement,
  lon: HTMLInputElement,
  note: HTMLInputElement,
  message: MessageBox,
): DeviceLocation | null | undefined {
  const [latText, lonText, noteText] = [lat.value.trim(), lon.value.trim(), note.value.trim()];
  if (!latText && !lonText && !noteText) return null;
  if (!latText || !lonText) {
    message.show(
      'Vị trí cần cả vĩ độ và kinh độ (ví dụ 19.8075 và 105.7764); ghi chú vị trí lưu kèm toạ độ. Để trống cả ba ô nếu không ghi vị trí.',
    );
    return undefined;
  }
  const latitude = Number(latText.replace(',', '.'));
  const longitude = Number(lonText.replace(',', '.'));
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    message.show('Vĩ độ phải là một số từ -90 đến 90 (ví dụ 19.8075).');
    return undefined;
  }
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    message.show('Kinh độ phải là một số từ -180 đến 180 (ví dụ 105.7764).');
    return undefined;
  }
  return { lat: latitude, lon: longitude, note: noteText || null };
}

function sameLocation(a: DeviceLocation | null, b: DeviceLocation | null): boolean {
  if (a === null || b === null) return a === b;
  return a.lat === b.lat && a.lon === b.lon && (a.note ?? null) === (b.note ?? null);
}

/**
 * Edit a cluster: its name (unique in the commune, the API says), the zones it covers and where
 * it stands. Only what changed is sent.
 */
function editForm(
  commune: string,
  device: Device,
  close: () => void,
  onDone: () => void,
): HTMLElement {
  const name = input({ name: 'name', required: true, maxlength: 100, value: device.name });
  const zones = input({
    name: 'zones',
    value: device.zones.join(', '),
    placeholder: 'Ví dụ: thon-1, tdp-bac-son',
  });
  const lat = input({
    name: 'lat',
    inputmode: 'decimal',
    value: device.location ? String(device.location.lat) : '',
    placeholder: 'Ví dụ: 19.8075',
  });
  const lon = input({
    name: 'lon',
    inputmode: 'decimal',
    value: device.location ? String(device.location.lon) : '',
    placeholder: 'Ví dụ: 105.7764',
  });
  const note = input({
    name: 'note',
    maxlength: 200,
    value: device.location?.note ?? '',
    placeholder: 'Ví dụ: Nhà văn hoá thôn 1',
  });
  return form(
    { 'aria-label': `Sửa cụm loa ${device.name}` },
    [
      field('Tên cụm loa', name),
      field('Vùng phát (mã thôn, tổ dân phố; để trống nếu phát cả xã)', zones),
      field('Vĩ độ', lat),
      field('Kinh độ', lon),
      field('Ghi chú vị trí', note, 'Nơi đặt cụm loa, đi kèm vĩ độ và kinh độ.'),
    ],
    'Lưu thay đổi',
    async (message) => {
      const newName = name.value.trim();
      if (!newName) {
        message.show('Nhập tên cụm loa.');
        name.focus();
        return;
      }
      const wanted = typedZones(zones.value, message);
      if (!wanted) return;
      const location = typedLocation(lat, lon, note, message);
      if (location === undefined) return;
      const body: Record<string, unknown> = {};
      if (newName !== device.name) body.name = newName;
      if ([...new Set(wanted)].sort().join(',') !== device.zones.join(',')) body.zones = wanted;
      if (!sameLocation(location, device.location)) body.location = location;
      if (Object.keys(body).length === 0) {
        message.show('Chưa có gì thay đổi.', 'info');
        return;
      }
      const path = `/communes/${commune}/devices/${device.id}`;
      let saved: DeviceChange;
      try {
        saved = await patch<DeviceChange>(path, body);
      } catch (error) {
        if (!(await askToDropItems(error, 'đổi vùng phát của cụm loa'))) return;
        saved = await patch<DeviceChange>(`${path}?dropItems=true`, body);
      }
      toast(savedText(`Đã lưu cụm loa “${newName}”.`, saved.droppedItems.length));
      close();
      onDone();
    },
    [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
  ).form;
}

/**
 * The last status the cluster sent that the server could not take, when it is the latest thing
 * heard from it (a good status since: none). The commune's and the province's lists both show it.
 */
export function statusProblem(device: Device): HTMLElement | null {
  const problem = device.lastStatusProblem;
  if (!problem) return null;
  if (device.lastSeenAt && Date.parse(device.lastSeenAt) > Date.parse(problem.at)) return null;
  return h(
    'div',
    { class: 'small status-problem', 'data-testid': 'status-problem', role: 'note' },
    `Cụm loa gửi trạng thái không hợp lệ lúc ${formatDateTime(problem.at)}: ${statusProblemText(problem.problem)}.`,
  );
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

/**
 * Cụm loa: the commune's open alerts, then its speaker clusters, their status, sync and power
 * commands, and their editing and deletion (operators and approvers: the page's only users).
 */
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
  const reload = (): void => navigate('/cum-loa');
  const edit = (device: Device): void => {
    void openDialog(`Sửa cụm loa “${device.name}”`, (close) =>
      editForm(commune, device, close, reload),
    );
  };
  /**
   * What a deletion does (DevicesService.remove): the box's credentials stop working and its
   * commands go; the commune's log, alerts and emergencies keep what they say of it; a cluster
   * with signed receipts is refused by the API, said in Vietnamese by the toast.
   */
  const remove = async (device: Device) => {
    const yes = await confirmDialog({
      title: `Xoá cụm loa “${device.name}”?`,
      body: h(
        'div',
        null,
        h(
          'p',
          null,
          'Cụm loa bị gỡ khỏi danh sách của xã: thiết bị đang lắp ngừng kết nối ngay, không nhận lịch phát và lệnh nữa; các lệnh đã gửi tới cụm bị xoá theo. Nhật ký phát thanh của xã, các cảnh báo và các lần phát khẩn cấp đã ghi vẫn giữ nguyên.',
        ),
        h(
          'p',
          null,
          'Cụm đã gửi biên nhận phát có chữ ký thì không xoá được, vì cần khoá của cụm để kiểm chứng các biên nhận đó. Khi thay thiết bị, hãy dùng “Cấp mã mới”.',
        ),
      ),
      confirmLabel: 'Xoá cụm loa',
      cancelLabel: 'Giữ lại',
      danger: true,
    });
    if (!yes) return;
    const path = `/communes/${commune}/devices/${device.id}`;
    try {
      let dropped = 0;
      try {
        await del(path);
      } catch (error) {
        if (!(await askToDropItems(error, 'xoá cụm loa'))) return;
        dropped = ((error as ApiError).body as { itemCount: number }).itemCount;
        await del(`${path}?dropItems=true`);
      }
      toast(savedText(`Đã xoá cụm loa “${device.name}”.`, dropped));
      reload();
    } catch (error) {
      toast(errorText(error), 'error');
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
                  h(
                    'td',
                    null,
                    device.name,
                    device.location?.note
                      ? h('div', { class: 'muted small' }, device.location.note)
                      : null,
                  ),
                  h('td', null, statusBadge(device), statusProblem(device)),
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
                    ' · ',
                    button('Sửa', `Sửa ${device.name}`, () => edit(device)),
                    ' · ',
                    button('Xoá', `Xoá ${device.name}`, () => void remove(device)),
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
          { type: 'button', class: 'button secondary small', onClick: reload },
          'Làm mới',
        ),
      ),
      rejectedReceiptsSection(rejected),
      registerForm(commune),
    ),
  };
}
