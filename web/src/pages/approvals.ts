import { ApiError, errorText, get, post } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';
import { anyOf, formatDateTime, formatDurationMs, personName } from '../format.js';
import { changedBulletinsText } from '../errors-vi.js';
import { AUDIO_STATUS_LABEL, sendBackText } from '../labels.js';
import { navigate, Page } from '../router.js';
import type {
  ApprovalInbox,
  ApprovalItem,
  ApprovalSummary,
  ChangedBulletin,
  ListedBulletin,
  ReviewResult,
} from '../types.js';
import { audioPlayer } from '../ui/audio-player.js';
import { openDialog } from '../ui/dialog.js';
import { isDemoBulletin } from '../ui/demo-banner.js';
import { refreshMenuCounts } from '../ui/menu-counts.js';
import { demoBadge, emptyState, messageBox, toast } from '../ui/notice.js';
import { approveBulletin, priorityBadge, topicChips } from './bulletins.js';

/** Asks why the bulletins go back; resolves the reason, or null when the approver gives up. */
function askReason(count: number): Promise<string | null> {
  let reason: string | null = null;
  return openDialog(`Trả lại ${count} bản tin`, (close) => {
    const field = h('textarea', {
      name: 'reason',
      rows: 3,
      maxlength: 1000,
      required: true,
      'aria-label': 'Lý do trả lại',
    });
    const message = messageBox();
    return h(
      'form',
      {
        class: 'form',
        onSubmit: (event: Event) => {
          event.preventDefault();
          if (field.value.trim().length < 3) {
            message.show('Hãy ghi lý do trả lại (ít nhất 3 ký tự) để người soạn biết cần sửa gì.');
            return;
          }
          reason = field.value.trim();
          close();
        },
      },
      h('label', null, 'Lý do (người soạn sẽ nhận được):', field),
      message.element,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'danger' }, 'Trả lại'),
        h('button', { type: 'button', class: 'secondary', onClick: close }, 'Huỷ'),
      ),
    );
  }).then(() => reason);
}

/** The emergencies among what waits, which the inbox lists first. */
function emergencyNote(inbox: ApprovalInbox): string {
  const count = inbox.items.filter((item) => item.priority === 'emergency').length;
  return count > 0 ? `, trong đó ${count} bản tin khẩn cấp xếp trên cùng` : '';
}

/** The bulletins a 409 `BULLETIN_CHANGED` names, or null for any other error. */
function changedBulletins(error: unknown): ChangedBulletin[] | null {
  if (!(error instanceof ApiError) || error.code !== 'BULLETIN_CHANGED') return null;
  const changed = (error.body as { changed?: unknown } | undefined)?.changed;
  return Array.isArray(changed) ? (changed as ChangedBulletin[]) : null;
}

/** What the server did, in one sentence. */
function reviewSummary(result: ReviewResult): string {
  if (result.decision === 'send-back') return `Đã trả lại ${result.changed} bản tin.`;
  const already = result.alreadyApproved.length;
  return (
    `Đã duyệt ${result.changed} bản tin.` +
    (already > 0 ? ` ${already} bản tin đã được duyệt từ trước, không thay đổi.` : '')
  );
}

/** A bulletin's card as the page shows it, with the revision the approver hears and reads. */
interface ApprovalCard {
  item: ApprovalItem;
  node: HTMLElement;
  box: HTMLInputElement;
}

interface CardActions {
  onToggle: () => void;
  /** The bulletin was edited since the page showed it: show it again as it is now. */
  onChanged: (id: string) => void;
}

function approvalCard(context: AppContext, item: ApprovalItem, actions: CardActions): ApprovalCard {
  const ready = item.audioStatus === 'ready';
  const box = h('input', {
    type: 'checkbox',
    value: item.id,
    disabled: !ready,
    'aria-label': `Chọn “${item.title}”`,
    'data-testid': 'approval-select',
    onChange: actions.onToggle,
  });
  const node = h(
    'article',
    {
      class: `card approval${item.priority === 'emergency' ? ' approval-emergency' : ''}`,
      'data-testid': 'approval-card',
    },
    h(
      'header',
      { class: 'card-head' },
      h('label', { class: 'check' }, box, h('h2', null, item.title)),
      isDemoBulletin(item.id) ? demoBadge() : null,
      priorityBadge(item),
    ),
    topicChips(context, item.topics),
    h(
      'p',
      { class: 'muted small' },
      `${personName(item.submittedBy)} gửi lúc ${formatDateTime(item.createdAt)} · thời lượng ${formatDurationMs(item.durationMs)}`,
    ),
    item.sendBacks
      ? h(
          'p',
          { class: 'message message-warning sent-back-note', 'data-testid': 'approval-sent-back' },
          sendBackText(item.sendBacks),
        )
      : null,
    item.body ? h('blockquote', { class: 'bulletin-body' }, item.body) : null,
    ready
      ? h(
          'div',
          { class: 'actions' },
          audioPlayer(item.audioId, 'Nghe trước khi duyệt'),
          h(
            'button',
            {
              type: 'button',
              class: 'primary small',
              'aria-label': `Duyệt “${item.title}”`,
              onClick: () =>
                void approveBulletin(item).then((outcome) => {
                  if (outcome === 'changed') actions.onChanged(item.id);
                  if (outcome !== 'approved') return;
                  void refreshMenuCounts();
                  navigate('/duyet');
                }),
            },
            'Duyệt bản tin này',
          ),
        )
      : h(
          'p',
          { class: 'muted' },
          `Âm thanh: ${item.audioStatus ? AUDIO_STATUS_LABEL[item.audioStatus] : '—'} (chưa duyệt được)`,
        ),
  );
  return { item, node, box };
}

/** Duyệt: the approver's inbox; listen, tick several, approve or send back (with a reason) at once. */
export async function approvalsPage(context: AppContext): Promise<Page> {
  const inbox = await get<ApprovalInbox>('/approvals');
  const message = messageBox();
  const approve = h(
    'button',
    { type: 'button', class: 'primary', disabled: true, 'data-testid': 'approve-selected' },
    'Duyệt',
  );
  const sendBack = h(
    'button',
    { type: 'button', class: 'secondary', disabled: true, 'data-testid': 'send-back-selected' },
    'Trả lại…',
  );
  const card = (item: ApprovalItem): ApprovalCard =>
    approvalCard(context, item, { onToggle: () => update(), onChanged: (id) => void reload([id]) });
  const cards = inbox.items.map(card);
  const selected = (): ApprovalCard[] => cards.filter((one) => one.box.checked);
  const all = h('input', {
    type: 'checkbox',
    'data-testid': 'approval-select-all',
    onChange: (event: Event) => {
      const checked = (event.target as HTMLInputElement).checked;
      for (const one of cards) if (!one.box.disabled) one.box.checked = checked;
      update();
    },
  });
  /**
   * Shows the bulletins edited since the page opened as they are now, unticked, to be heard and
   * read again; one that no longer waits for approval leaves the page.
   */
  async function reload(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const index = cards.findIndex((one) => one.item.id === id);
      if (index < 0) continue;
      const shown = cards[index];
      const now = await get<ListedBulletin>(`/bulletins/${id}`).catch(() => null);
      if (!now || now.status !== 'draft' || now.sentBack) {
        shown.node.remove();
        cards.splice(index, 1);
        continue;
      }
      const fresh = card({ ...now, submittedBy: shown.item.submittedBy });
      fresh.node.classList.add('approval-changed');
      shown.node.replaceWith(fresh.node);
      cards[index] = fresh;
    }
    update();
  }
  function update(): void {
    const count = selected().length;
    approve.disabled = count === 0;
    sendBack.disabled = count === 0;
    approve.textContent = count > 0 ? `Duyệt ${count} bản tin đã chọn` : 'Duyệt';
    sendBack.textContent = count > 0 ? `Trả lại ${count} bản tin…` : 'Trả lại…';
  }
  async function review(decision: 'approve' | 'send-back'): Promise<void> {
    const chosen = selected();
    if (chosen.length === 0) return;
    const bulletinIds = chosen.map((one) => one.item.id);
    // The revisions heard and read: an edit made since is refused, not approved unheard.
    const revisions = Object.fromEntries(chosen.map((one) => [one.item.id, one.item.revision]));
    let reason: string | undefined;
    if (decision === 'send-back') {
      const given = await askReason(bulletinIds.length);
      if (given === null) return;
      reason = given;
    }
    approve.disabled = true;
    sendBack.disabled = true;
    try {
      const result = await post<ReviewResult>('/approvals/review', {
        decision,
        bulletinIds,
        revisions,
        ...(reason ? { reason } : {}),
      });
      toast(reviewSummary(result));
      void refreshMenuCounts();
      navigate('/duyet');
    } catch (error) {
      const changed = changedBulletins(error);
      const action = decision === 'approve' ? 'duyệt' : 'trả lại';
      const text = changed ? changedBulletinsText(changed, action) : null;
      message.show(`Không có thay đổi nào. ${text ?? errorText(error)}`);
      if (changed) await reload(changed.map((bulletin) => bulletin.bulletinId));
      update();
    }
  }
  approve.addEventListener('click', () => void review('approve'));
  sendBack.addEventListener('click', () => void review('send-back'));
  return {
    title: 'Duyệt bản tin',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Duyệt bản tin'),
      h(
        'p',
        { class: 'muted', 'data-testid': 'approval-count' },
        inbox.count === 0
          ? 'Chỉ bản tin đã duyệt mới được đưa vào lịch phát sóng.'
          : `${inbox.count} bản tin chờ duyệt${emergencyNote(inbox)}. Nghe lại, chọn rồi duyệt hoặc trả lại (kèm lý do) nhiều bản tin một lần. Chỉ bản tin đã duyệt mới được đưa vào lịch phát sóng.`,
      ),
      message.element,
      cards.length === 0
        ? emptyState('Không có bản tin nào chờ duyệt.')
        : [
            h(
              'div',
              { class: 'toolbar approval-toolbar' },
              h('label', { class: 'check' }, all, ' Chọn tất cả'),
              approve,
              sendBack,
            ),
            h(
              'div',
              { class: 'cards' },
              cards.map((one) => one.node),
            ),
          ],
    ),
  };
}

/** What waits in the commune and on whom, for the operator ("4 bản tin đang chờ … duyệt"). */
export function waitingText(summary: ApprovalSummary): string | null {
  const parts: string[] = [];
  if (summary.waiting > 0) {
    parts.push(
      summary.approvers.length > 0
        ? `${summary.waiting} bản tin đang chờ ${anyOf(summary.approvers)} duyệt.`
        : `${summary.waiting} bản tin đang chờ duyệt, nhưng xã chưa có tài khoản người duyệt: hãy nhờ quản trị viên tạo.`,
    );
  }
  if (summary.sentBack > 0) {
    parts.push(`${summary.sentBack} bản tin bị trả lại, cần sửa rồi gửi duyệt lại.`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}
