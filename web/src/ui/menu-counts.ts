import { get, post } from '../api.js';
import type { AppContext } from '../context.js';
import { h, mount } from '../dom.js';
import type { Shell } from '../layout.js';
import { formatDateTime } from '../format.js';
import type { ApprovalInbox, NoticeList, UserNotice } from '../types.js';
import { openDialog } from './dialog.js';
import { emptyState } from './notice.js';

/** How often the menu asks again while the app stays open. */
const REFRESH_MS = 60_000;

/** What the menu's counts need of the shell. */
type CountedShell = Pick<Shell, 'root' | 'showWaiting'>;

interface MenuCounts {
  /** The badge on the tab of what the user approves, if the user has one. */
  approvals: HTMLElement | null;
  /** The shell, which says the same count on the phone's menu button. */
  shell: CountedShell;
  bell: HTMLButtonElement;
  bellCount: HTMLElement;
}

let current: MenuCounts | null = null;
let timer: number | null = null;

/**
 * The number is shown, not read as part of the link's or button's name ("Duyệt" stays "Duyệt"):
 * screen readers get it as the owner's description.
 */
function setBadge(badge: HTMLElement, count: number, label: string): void {
  badge.hidden = count === 0;
  badge.textContent = String(count);
  badge.parentElement?.setAttribute('title', count === 0 ? '' : `${count} ${label}`);
}

/** What the approvals count counts. */
const WAITING = 'bản tin chờ duyệt';

/** Asks the server again for the counts the menu shows. */
export async function refreshMenuCounts(): Promise<void> {
  const counts = current;
  if (!counts) return;
  const [notices, inbox] = await Promise.all([
    get<NoticeList>('/notices?unread=true&limit=1').catch(() => null),
    counts.approvals ? get<ApprovalInbox>('/approvals').catch(() => null) : null,
  ]);
  if (notices) setBadge(counts.bellCount, notices.unread, 'thông báo chưa đọc');
  if (counts.approvals && inbox) {
    setBadge(counts.approvals, inbox.count, WAITING);
    counts.shell.showWaiting(inbox.count, WAITING);
  }
}

function noticeText(notice: UserNotice): string {
  const who = notice.actorName ?? 'Người duyệt';
  return notice.kind === 'bulletin.approved'
    ? `${who} đã duyệt “${notice.title}”.`
    : `${who} đã trả lại “${notice.title}”.`;
}

function noticeItem(notice: UserNotice): HTMLElement {
  return h(
    'li',
    { class: notice.read ? 'notice' : 'notice unread', 'data-testid': 'notice' },
    h('strong', null, noticeText(notice)),
    notice.reason ? h('div', null, `Lý do: ${notice.reason}`) : null,
    notice.kind === 'bulletin.sent-back'
      ? h(
          'div',
          { class: 'muted small' },
          'Sửa bản tin (tiêu đề, nội dung, âm thanh) để gửi duyệt lại.',
        )
      : null,
    h('div', { class: 'muted small' }, formatDateTime(notice.createdAt)),
  );
}

/** Opens the list of notices and marks them read. */
async function showNotices(): Promise<void> {
  const list = await get<NoticeList>('/notices?limit=30');
  const body = h('div', { class: 'notices' });
  mount(
    body,
    list.items.length === 0
      ? emptyState('Chưa có thông báo nào.')
      : h('ul', { class: 'notice-list' }, list.items.map(noticeItem)),
  );
  if (list.unread > 0) await post('/notices/read', {});
  void refreshMenuCounts();
  await openDialog('Thông báo', () => body);
}

/** The tab that holds what the user approves: a commune's drafts, or the province library's. */
const INBOX_TAB: Partial<Record<AppContext['user']['role'], string>> = {
  approver: '#/duyet',
  monitor: '#/thu-vien',
};

/**
 * The menu's counts: a bell with the user's unread notices (every role) and, for approvers and
 * monitors, the number of bulletins waiting for them on the "Duyệt" or "Thư viện bản tin" tab
 * (and, on a phone, on the menu's button, as the tab is hidden until the menu opens).
 * Refreshed every minute and after each review.
 */
export function attachMenuCounts(context: AppContext, shell: CountedShell): void {
  const inbox = INBOX_TAB[context.user.role];
  const tab = inbox ? shell.root.querySelector<HTMLAnchorElement>(`nav a[href="${inbox}"]`) : null;
  let approvals: HTMLElement | null = null;
  if (tab) {
    approvals = h('span', {
      class: 'count-badge',
      hidden: true,
      'aria-hidden': 'true',
      'data-testid': 'approvals-badge',
    });
    tab.append(' ', approvals);
  }
  const bellCount = h('span', {
    class: 'count-badge',
    hidden: true,
    'aria-hidden': 'true',
    'data-testid': 'notices-badge',
  });
  const bell = h(
    'button',
    {
      type: 'button',
      class: 'secondary small bell',
      'data-testid': 'notices-button',
      onClick: () => void showNotices(),
    },
    'Thông báo ',
    bellCount,
  );
  shell.root.querySelector('.account')?.prepend(bell);
  current = { approvals, shell, bell, bellCount };
  if (timer !== null) window.clearInterval(timer);
  timer = window.setInterval(() => void refreshMenuCounts(), REFRESH_MS);
  void refreshMenuCounts();
}

/** Stops asking (the user logged out). */
export function detachMenuCounts(): void {
  if (timer !== null) window.clearInterval(timer);
  timer = null;
  current = null;
}
