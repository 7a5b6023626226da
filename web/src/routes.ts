import type { AppContext } from './context.js';
import { campaignsPage } from './pages/campaigns.js';
import { communePage } from './pages/commune.js';
import { dashboardPage } from './pages/dashboard.js';
import { devicesPage } from './pages/devices.js';
import { approvalsPage } from './pages/approvals.js';
import { bulletinsPage } from './pages/bulletins.js';
import { livePage } from './pages/live.js';
import { newBulletinPage } from './pages/new-bulletin.js';
import { officialReportPage } from './pages/official-report.js';
import { planPage } from './pages/plan.js';
import { playoutPage } from './pages/playout.js';
import { policyPage } from './pages/policy.js';
import { provinceDevicesPage } from './pages/province-devices.js';
import { provincePlanPage } from './pages/province-plan.js';
import { reconciliationPage } from './pages/reconciliation.js';
import { schedulePage } from './pages/schedule.js';
import { sourcesPage } from './pages/sources.js';
import { systemPage } from './pages/system.js';
import { topicsPage } from './pages/topics.js';
import { usersPage } from './pages/users.js';
import { windowsPage } from './pages/windows.js';
import type { Route } from './router.js';

const COMMUNE = ['operator', 'approver'] as const;

/** Every page, in the order of the navigation bar. Paths are Vietnamese without diacritics. */
export const ROUTES: readonly Route[] = [
  { pattern: '/tien-do', roles: COMMUNE, nav: 'Tiến độ tuần', render: dashboardPage },
  { pattern: '/lich', roles: COMMUNE, nav: 'Lịch phát sóng', render: schedulePage },
  { pattern: '/ban-tin', roles: COMMUNE, nav: 'Bản tin', render: bulletinsPage },
  { pattern: '/ban-tin/moi', roles: COMMUNE, nav: 'Tạo bản tin', render: newBulletinPage },
  { pattern: '/duyet', roles: ['approver'], nav: 'Duyệt', render: approvalsPage },
  { pattern: '/ke-hoach', roles: COMMUNE, nav: 'Kế hoạch chiến dịch', render: planPage },
  { pattern: '/truc-tiep', roles: COMMUNE, nav: 'Phát trực tiếp', render: livePage },
  { pattern: '/nhat-ky', roles: COMMUNE, nav: 'Nhật ký phát thanh', render: playoutPage },
  { pattern: '/khung-gio', roles: COMMUNE, nav: 'Khung giờ phát', render: windowsPage },
  { pattern: '/cum-loa', roles: COMMUNE, nav: 'Cụm loa', render: devicesPage },
  {
    pattern: '/bao-cao',
    roles: ['monitor', 'admin'],
    nav: 'Báo cáo tuân thủ',
    render: dashboardPage,
  },
  { pattern: '/bao-cao/xa/:code', roles: ['monitor', 'admin'], render: communePage },
  {
    pattern: '/bao-cao-chinh-thuc',
    roles: ['monitor', 'admin', 'operator', 'approver'],
    nav: 'Báo cáo chính thức',
    render: officialReportPage,
  },
  {
    pattern: '/doi-soat',
    roles: ['monitor', 'admin', 'operator', 'approver'],
    nav: 'Đối soát',
    render: reconciliationPage,
  },
  { pattern: '/chien-dich', roles: ['monitor', 'admin'], nav: 'Chiến dịch', render: campaignsPage },
  { pattern: '/thu-vien', roles: ['monitor'], nav: 'Thư viện bản tin', render: bulletinsPage },
  { pattern: '/thu-vien/moi', roles: ['monitor'], render: newBulletinPage },
  {
    pattern: '/ke-hoach-tinh',
    roles: ['monitor', 'admin'],
    nav: 'Kế hoạch cho các xã',
    render: provincePlanPage,
  },
  {
    pattern: '/nguon-tiep-am',
    roles: ['monitor', 'admin'],
    nav: 'Nguồn tiếp âm',
    render: sourcesPage,
  },
  {
    pattern: '/cum-loa-toan-tinh',
    roles: ['monitor'],
    nav: 'Cụm loa toàn tỉnh',
    render: provinceDevicesPage,
  },
  {
    pattern: '/quy-dinh',
    roles: ['operator', 'approver', 'monitor'],
    nav: 'Quy định phát sóng',
    render: policyPage,
  },
  { pattern: '/nguoi-dung', roles: ['admin'], nav: 'Người dùng', render: usersPage },
  { pattern: '/chu-de', roles: ['admin'], nav: 'Chủ đề', render: topicsPage },
  { pattern: '/he-thong', roles: ['admin'], nav: 'Hệ thống', render: systemPage },
];

/** Where a user lands: an operator on the week's progress, an approver on the program log. */
export function homePath(context: AppContext): string {
  if (context.user.role === 'operator') return '/tien-do';
  return context.user.role === 'approver' ? '/lich' : '/bao-cao';
}
