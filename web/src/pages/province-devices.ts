import { get } from '../api.js';
import { AppContext } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { href, Page, RouteMatch } from '../router.js';
import type { Commune, Device, DeviceStatus, FleetAlert } from '../types.js';
import { alertList } from '../ui/alerts.js';
import { emptyState } from '../ui/notice.js';
import { statusBadge, statusProblem } from './devices.js';
import { tableHead } from '../ui/table.js';

const PATH = '/cum-loa-toan-tinh';

const FILTERS: { value: DeviceStatus | ''; label: string }[] = [
  { value: '', label: 'Tất cả' },
  { value: 'offline', label: 'Mất kết nối' },
  { value: 'never-seen', label: 'Chưa kết nối' },
  { value: 'online', label: 'Đang hoạt động' },
];

function isStatus(value: string): value is DeviceStatus {
  return FILTERS.some((filter) => filter.value !== '' && filter.value === value);
}

/**
 * Cụm loa toàn tỉnh: the monitor's province's open alerts, then its clusters, offline first (the
 * API's order), with their commune, last seen and open alerts; filtered by status on demand.
 */
export async function provinceDevicesPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const province = context.province;
  if (!province) {
    return { title: 'Cụm loa toàn tỉnh', node: emptyState('Tài khoản chưa gắn với tỉnh nào.') };
  }
  const requested = match.query.get('trang-thai') ?? '';
  const status = isStatus(requested) ? requested : '';
  const [devices, alerts, communes] = await Promise.all([
    get<Device[]>(`/provinces/${province.code}/devices${status ? `?status=${status}` : ''}`),
    get<FleetAlert[]>(`/provinces/${province.code}/alerts`),
    get<Commune[]>(`/communes?province=${province.code}`),
  ]);
  const communeName = new Map(communes.map((commune) => [commune.code, commune.name]));
  const alertCount = new Map<string, number>();
  for (const alert of alerts) {
    if (alert.deviceId) alertCount.set(alert.deviceId, (alertCount.get(alert.deviceId) ?? 0) + 1);
  }
  const table =
    devices.length === 0
      ? emptyState(status ? 'Không có cụm loa nào ở trạng thái này.' : 'Tỉnh chưa có cụm loa nào.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            tableHead([
              'Cụm loa',
              'Xã, phường',
              'Trạng thái',
              'Lần cuối thấy',
              { label: 'Cảnh báo', class: 'num' },
            ]),
            h(
              'tbody',
              null,
              devices.map((device) =>
                h(
                  'tr',
                  { 'data-device': device.id },
                  h('td', null, device.name),
                  h('td', null, communeName.get(device.communeCode) ?? device.communeCode),
                  h('td', null, statusBadge(device), statusProblem(device)),
                  h('td', null, device.lastSeenAt ? formatDateTime(device.lastSeenAt) : '—'),
                  h('td', { class: 'num' }, String(alertCount.get(device.id) ?? 0)),
                ),
              ),
            ),
          ),
        );
  return {
    title: 'Cụm loa toàn tỉnh',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Cụm loa toàn tỉnh'),
      alertList(alerts, true),
      h(
        'div',
        { class: 'toolbar' },
        h(
          'div',
          { class: 'segmented', role: 'group', 'aria-label': 'Lọc theo trạng thái' },
          FILTERS.map((filter) =>
            h(
              'a',
              {
                href: href(PATH, { 'trang-thai': filter.value || undefined }),
                class: filter.value === status ? 'active' : '',
                'aria-current': filter.value === status ? 'true' : undefined,
              },
              filter.label,
            ),
          ),
        ),
      ),
      table,
    ),
  };
}
