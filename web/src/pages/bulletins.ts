import { ApiError, errorText, get, post } from '../api.js';
import { AppContext, bulletinOwner, hasRole, topicName } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime, formatDurationMs, formatNumber } from '../format.js';
import {
  AUDIO_STATUS_LABEL,
  BULLETIN_STATE_LABEL,
  BulletinState,
  bulletinState,
  loudnessWarningText,
  PRIORITY_LABEL,
  sendBackText,
} from '../labels.js';
import { href, navigate, Page, RouteMatch } from '../router.js';
import type { Bulletin, ListedBulletin } from '../types.js';
import { audioPlayer } from '../ui/audio-player.js';
import { confirmDialog } from '../ui/dialog.js';
import { isDemoBulletin } from '../ui/demo-banner.js';
import { demoBadge, emptyState, toast } from '../ui/notice.js';
import { BulletinChange, editBulletinDialog } from './edit-bulletin.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

export function topicChips(context: AppContext, topics: readonly string[]): HTMLElement {
  return h(
    'span',
    { class: 'topics' },
    topics.map((code) => h('span', { class: 'chip' }, topicName(context, code))),
  );
}

export function priorityBadge(bulletin: Bulletin): HTMLElement {
  return h(
    'span',
    { class: `badge priority-${bulletin.priority}` },
    PRIORITY_LABEL[bulletin.priority],
  );
}

export function statusBadge(bulletin: Bulletin): HTMLElement {
  const state = bulletinState(bulletin);
  return h('span', { class: `badge bulletin-${state}` }, BULLETIN_STATE_LABEL[state]);
}

function audioCell(bulletin: Bulletin): HTMLElement | string {
  if (bulletin.audioStatus === 'ready') {
    const warning = loudnessWarning(bulletin, 'inline-error');
    return warning
      ? h('div', null, audioPlayer(bulletin.audioId), warning)
      : audioPlayer(bulletin.audioId);
  }
  return bulletin.audioStatus ? AUDIO_STATUS_LABEL[bulletin.audioStatus] : '—';
}

/** The recording stays below the loudness target: said where its audio is shown. */
function loudnessWarning(bulletin: Bulletin, className: string): HTMLElement | null {
  const note = bulletin.audioLoudnessWarning;
  if (note?.warning !== 'too-quiet') return null;
  return h(
    'p',
    { class: className, role: 'note' },
    loudnessWarningText(note.integratedLufs, note.targetLufs),
  );
}

/**
 * What came of an approval: done, refused because the bulletin was edited since it was shown
 * (the caller shows it again), or not done (given up, or another error, already said).
 */
export type ApprovalOutcome = 'approved' | 'changed' | 'not-approved';

/**
 * Approves after a confirmation the revision shown, so that an edit made meanwhile is not approved
 * unheard (the server refuses it, and the toast says so).
 */
export async function approveBulletin(bulletin: Bulletin): Promise<ApprovalOutcome> {
  const yes = await confirmDialog({
    title: 'Duyệt bản tin?',
    body: `“${bulletin.title}” sẽ được phép đưa vào lịch phát sóng.`,
    confirmLabel: 'Duyệt',
    cancelLabel: 'Để sau',
  });
  if (!yes) return 'not-approved';
  try {
    await post(`/bulletins/${bulletin.id}/approve`, { revision: bulletin.revision });
    toast(`Đã duyệt “${bulletin.title}”.`);
    return 'approved';
  } catch (error) {
    toast(errorText(error), 'error');
    return error instanceof ApiError && error.code === 'BULLETIN_CHANGED'
      ? 'changed'
      : 'not-approved';
  }
}

/**
 * Archives after a confirmation that says how many scheduled airings it takes off the log, as the
 * API's rehearsal (`?dryRun=true`) counts them; resolves true when it did.
 */
async function archiveBulletin(bulletin: Bulletin): Promise<boolean> {
  const path = `/bulletins/${bulletin.id}/archive`;
  let rehearsal: BulletinChange;
  try {
    rehearsal = await post<BulletinChange>(`${path}?dryRun=true`);
  } catch (error) {
    toast(errorText(error), 'error');
    return false;
  }
  const yes = await confirmDialog({
    title: 'Lưu trữ bản tin?',
    body: h(
      'div',
      { 'data-testid': 'archive-warning' },
      h('p', null, `Lưu trữ bản tin “${bulletin.title}”? ${cancelledText(rehearsal)}`),
      h('p', { class: 'muted small' }, 'Bản tin đã lưu trữ không được xếp lịch nữa.'),
    ),
    confirmLabel: 'Lưu trữ',
    cancelLabel: 'Giữ lại',
    danger: true,
  });
  if (!yes) return false;
  try {
    await post(path);
    toast(`Đã lưu trữ “${bulletin.title}”.`);
    return true;
  } catch (error) {
    toast(errorText(error), 'error');
    return false;
  }
}

/** The scheduled airings an archive takes off the log, in a sentence. */
function cancelledText(change: BulletinChange): string {
  const count = change.cancelledItems.length;
  return count === 0
    ? 'Không có lượt phát nào đã xếp bị huỷ.'
    : `${formatNumber(count)} lượt phát đã xếp sẽ bị huỷ.`;
}

const FILTERS: { value: BulletinState | ''; label: string }[] = [
  { value: '', label: 'Tất cả' },
  { value: 'draft', label: BULLETIN_STATE_LABEL.draft },
  { value: 'sent-back', label: BULLETIN_STATE_LABEL['sent-back'] },
  { value: 'approved', label: BULLETIN_STATE_LABEL.approved },
  { value: 'archived', label: BULLETIN_STATE_LABEL.archived },
];

/**
 * Bản tin: the commune's bulletins (and, asked, the province library) with topics, priority,
 * status; for a monitor, Thư viện bản tin: the province library, which the monitor approves.
 */
export async function bulletinsPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const owner = bulletinOwner(context);
  const heading = owner.library ? 'Thư viện bản tin của tỉnh' : 'Bản tin';
  const status = (match.query.get('status') ?? '') as BulletinState | '';
  const library = !owner.library && match.query.get('library') === '1';
  const query = new URLSearchParams();
  // The API knows drafts; which of them were sent back the page tells apart.
  if (status) query.set('status', status === 'sent-back' ? 'draft' : status);
  if (library) query.set('includeLibrary', 'true');
  const bulletins = (
    await get<ListedBulletin[]>(`${owner.api}/bulletins?${query.toString()}`)
  ).filter((bulletin) => !status || bulletinState(bulletin) === status);
  bulletins.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const reload = (): void =>
    navigate(owner.listPath, { status: status || undefined, library: library ? '1' : undefined });
  // A commune's approver approves its drafts; the province's monitor, the library's.
  const isApprover = hasRole(context, 'approver', 'admin', 'monitor');
  const rows = bulletins.map((bulletin) => {
    const own = bulletin.library === owner.library;
    const actions: HTMLElement[] = [];
    if (own && isApprover && bulletin.status === 'draft' && bulletin.audioStatus === 'ready') {
      actions.push(
        h(
          'button',
          {
            type: 'button',
            class: 'small primary',
            onClick: () =>
              void approveBulletin(bulletin).then((outcome) => {
                if (outcome !== 'not-approved') reload();
              }),
          },
          'Duyệt',
        ),
      );
    }
    if (own && bulletin.status !== 'archived') {
      actions.push(
        h(
          'button',
          {
            type: 'button',
            class: 'small link-button',
            'aria-label': `Sửa bản tin ${bulletin.title}`,
            onClick: () =>
              void editBulletinDialog(context, owner, bulletin).then((done) => done && reload()),
          },
          'Sửa',
        ),
      );
      actions.push(
        h(
          'button',
          {
            type: 'button',
            class: 'small link-button danger-text',
            onClick: () => void archiveBulletin(bulletin).then((done) => done && reload()),
          },
          'Lưu trữ',
        ),
      );
    }
    return h(
      'tr',
      { 'data-testid': 'bulletin-row' },
      h(
        'td',
        null,
        h('strong', null, bulletin.title),
        isDemoBulletin(bulletin.id) ? demoBadge() : null,
        bulletin.library && !owner.library ? h('span', { class: 'badge' }, 'Thư viện tỉnh') : null,
        h('div', { class: 'muted small' }, `Tạo lúc ${formatDateTime(bulletin.createdAt)}`),
        bulletin.sentBack
          ? h(
              'p',
              { class: 'inline-error sent-back-note', 'data-testid': 'sent-back' },
              `Bị trả lại lúc ${formatDateTime(bulletin.sentBack.at)}: ${bulletin.sentBack.reason ?? ''} — sửa bản tin để gửi duyệt lại.`,
            )
          : null,
        bulletin.sendBacks
          ? h(
              'p',
              { class: 'muted small sent-back-note', 'data-testid': 'earlier-sent-back' },
              `${sendBackText(bulletin.sendBacks)}. Đã sửa, đang chờ duyệt lại.`,
            )
          : null,
      ),
      h('td', null, topicChips(context, bulletin.topics)),
      h('td', null, priorityBadge(bulletin)),
      h('td', null, statusBadge(bulletin)),
      h('td', { class: 'nowrap' }, formatDurationMs(bulletin.durationMs)),
      h('td', null, audioCell(bulletin)),
      h('td', { class: 'actions-cell' }, actions),
    );
  });
  return {
    title: heading,
    node: h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, heading),
        h('a', { href: href(`${owner.listPath}/moi`), class: 'button primary' }, '+ Tạo bản tin'),
      ),
      owner.library
        ? h(
            'p',
            { class: 'muted' },
            'Mọi xã, phường trong tỉnh được xếp bản tin đã duyệt của thư viện vào lịch phát, và bản tin được tính vào chỉ tiêu như bản tin của xã. Giám sát viên của tỉnh duyệt các bản tin này.',
          )
        : null,
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
                href: href(owner.listPath, {
                  status: filter.value || undefined,
                  library: library ? '1' : undefined,
                }),
                class: filter.value === status ? 'active' : '',
                'aria-current': filter.value === status ? 'true' : undefined,
              },
              filter.label,
            ),
          ),
        ),
        owner.library
          ? null
          : h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                checked: library,
                onChange: (event: Event) =>
                  navigate('/ban-tin', {
                    status: status || undefined,
                    library: (event.target as HTMLInputElement).checked ? '1' : undefined,
                  }),
              }),
              ' Gồm cả thư viện bản tin của tỉnh',
            ),
      ),
      rows.length === 0
        ? emptyState('Chưa có bản tin nào.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'bulletins' },
              tableHead([
                'Tiêu đề',
                'Chủ đề',
                'Mức ưu tiên',
                'Trạng thái',
                'Thời lượng',
                'Âm thanh',
                ACTIONS_COLUMN,
              ]),
              h('tbody', null, rows),
            ),
          ),
    ),
  };
}
