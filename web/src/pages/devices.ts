import { errorText, get, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { navigate, Page } from '../router.js';
import type { Device, FleetAlert } from '../types.js';
import { alertList } from '../ui/alerts.js';
import { emptyState, toast } from '../ui/notice.js';

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
export async function devicesPage(context: AppContext): Promise<Page> {
  const commune = communeCode(context);
  const [devices, alerts] = await Promise.all([
    get<Device[]>(`/communes/${commune}/devices`),
    get<FleetAlert[]>(`/communes/${commune}/alerts`),
  ]);
  const command = async (device: Device, body: Record<string, unknown>, done: string) => {
    try {
      await post(`/communes/${commune}/devices/${device.id}/commands`, body);
      toast(done);
    } catch (error) {
      toast(errorText(error), 'error');
    }
  };
  const button = (label: string, aria: string, onClick: () => void) =>
    h('button', { type: 'button', class: 'link-button', 'aria-label': aria, onClick }, label);

  const table =
    devices.length === 0
      ? emptyState('Xã chưa đăng ký cụm loa nào.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, 'Cụm loa'),
                h('th', null, 'Trạng thái'),
                h('th', null, 'Vùng phát'),
                h('th', null, 'Lần cuối thấy'),
                h('th', null, 'Âm lượng'),
                h('th', null, 'Nguồn'),
                h('th', null, h('span', { class: 'sr-only' }, 'Thao tác')),
              ),
            ),
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
                      : button(
                          'Tắt',
                          `Tắt ${device.name}`,
                          () =>
                            void command(
                              device,
                              { type: 'power', power: 'off' },
                              `Đã gửi lệnh tắt tới ${device.name}.`,
                            ),
                        ),
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
    ),
  };
}
