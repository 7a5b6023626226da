import { api, errorText, get, patch, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { formatDate, weekdayName, weekdayShort } from '../format.js';
import { href, navigate, Page } from '../router.js';
import type { BroadcastWindow, ListedWindow } from '../types.js';
import { breaches } from '../policy-breaches.js';
import { windowBreachNote } from '../ui/policy-breach.js';
import { chooseDialog, confirmDialog, openDialog } from '../ui/dialog.js';
import { checkGroup, field, form, input } from '../ui/form.js';
import { emptyState, MessageBox, toast } from '../ui/notice.js';
import { timeInput } from '../ui/date-input.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

const DAYS = [1, 2, 3, 4, 5, 6, 7];

function daysText(days: readonly number[]): string {
  if (days.length === 7) return 'Hằng ngày';
  return days.map(weekdayShort).join(', ');
}

/** An item a window change moves or cancels, as the API reports it. */
interface ChangedItem {
  id: string;
  title: string | null;
  localTime: string;
  movedToLocalTime?: string;
}

interface WindowChange extends BroadcastWindow {
  movedItems: ChangedItem[];
  droppedItems: ChangedItem[];
}

interface WindowDeletion {
  droppedItems: ChangedItem[];
}

/** How many items a list shows before "và N lượt khác". */
const SHOWN_ITEMS = 5;

function itemList(items: readonly ChangedItem[], moved = false): HTMLElement {
  const shown = items.slice(0, SHOWN_ITEMS);
  return h(
    'ul',
    { class: 'small', 'data-testid': moved ? 'moved-items' : 'dropped-items' },
    shown.map((item) =>
      h(
        'li',
        null,
        `${item.localTime}${moved && item.movedToLocalTime ? ` → ${item.movedToLocalTime}` : ''} — ${item.title ?? 'không rõ tên'}`,
      ),
    ),
    items.length > shown.length
      ? h('li', null, `và ${items.length - shown.length} lượt khác`)
      : null,
  );
}

function windowTable(
  windows: ListedWindow[],
  onEdit: (window: BroadcastWindow) => void,
  onDelete: (window: BroadcastWindow) => void,
) {
  if (windows.length === 0) return emptyState('Chưa có khung giờ phát nào.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      tableHead([
        'Tên khung giờ',
        'Giờ phát',
        'Thời lượng',
        'Ngày trong tuần',
        'Hiệu lực',
        ACTIONS_COLUMN,
      ]),
      h(
        'tbody',
        null,
        windows.map((window) =>
          h(
            'tr',
            {
              'data-testid': 'window-row',
              'data-policy-breach': breaches(window) ? 'true' : null,
              class: breaches(window) ? 'row-breach' : null,
            },
            h('td', null, window.name, windowBreachNote(window)),
            h('td', null, `${window.startTime}–${window.endTime}`),
            h('td', null, `${window.durationMinutes} phút`),
            h('td', null, daysText(window.daysOfWeek)),
            h(
              'td',
              null,
              window.validFrom || window.validTo
                ? `${window.validFrom ? `từ ${formatDate(window.validFrom)}` : ''} ${window.validTo ? `đến ${formatDate(window.validTo)}` : ''}`.trim()
                : 'Không thời hạn',
            ),
            h(
              'td',
              null,
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-button',
                  onClick: () => onEdit(window),
                  'aria-label': `Sửa khung giờ ${window.name}`,
                },
                'Sửa',
              ),
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-button danger-text',
                  onClick: () => onDelete(window),
                  'aria-label': `Xoá khung giờ ${window.name}`,
                },
                'Xoá',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The fields of a window (new, or to edit with its values) and what they say, checked. */
function windowFields(window: BroadcastWindow | null): {
  children: HTMLElement[];
  read: (message: MessageBox) => object | null;
} {
  const name = input({
    name: 'name',
    required: true,
    maxlength: 100,
    placeholder: 'Ví dụ: Sáng',
    value: window?.name ?? '',
  });
  const start = timeInput({
    name: 'startTime',
    required: true,
    value: window?.startTime ?? '05:30',
  });
  const duration = input({
    name: 'durationMinutes',
    type: 'number',
    min: 1,
    max: 1440,
    required: true,
    value: String(window?.durationMinutes ?? 30),
  });
  const days = checkGroup(
    'Ngày trong tuần',
    DAYS.map((day) => ({ value: String(day), label: weekdayName(day) })),
    (window?.daysOfWeek ?? DAYS).map(String),
  );
  return {
    children: [
      field('Tên khung giờ', name),
      field('Giờ bắt đầu', start),
      field('Thời lượng (phút)', duration),
      days.element,
    ],
    read: (message) => {
      const selected = days.values().map(Number);
      if (!name.value.trim()) {
        message.show('Nhập tên khung giờ.');
        return null;
      }
      if (selected.length === 0) {
        message.show('Chọn ít nhất một ngày trong tuần.');
        return null;
      }
      return {
        name: name.value.trim(),
        daysOfWeek: selected,
        startTime: start.value,
        durationMinutes: Number(duration.value),
      };
    },
  };
}

/** Khung giờ phát: the commune's recurring on-air windows. */
export async function windowsPage(context: AppContext): Promise<Page> {
  const commune = communeCode(context);
  const windows = (await get<ListedWindow[]>(`/communes/${commune}/windows`)).sort((a, b) =>
    a.startTime.localeCompare(b.startTime),
  );
  const reload = (): void => navigate('/khung-gio');
  const base = `/communes/${commune}/windows`;
  /**
   * Deleting a window takes its future items with it, in one request: a rehearsal counts them
   * first so that the one confirmation says how many plays are cancelled.
   */
  const onDelete = async (window: BroadcastWindow): Promise<void> => {
    try {
      const rehearsal = await api<WindowDeletion>(
        'DELETE',
        `${base}/${window.id}?dropItems=true&dryRun=true`,
      );
      const dropped = rehearsal.droppedItems;
      const yes = await confirmDialog({
        title: 'Xoá khung giờ phát?',
        body: h(
          'div',
          null,
          h(
            'p',
            null,
            `Khung giờ “${window.name}” (${window.startTime}–${window.endTime}) sẽ bị xoá.`,
          ),
          dropped.length > 0
            ? [
                h(
                  'p',
                  { 'data-testid': 'delete-count' },
                  h('strong', null, `${dropped.length} lượt phát`),
                  ' sắp tới trong khung giờ này sẽ bị huỷ:',
                ),
                itemList(dropped),
              ]
            : h('p', { class: 'muted' }, 'Khung giờ này không có lượt phát nào sắp tới.'),
        ),
        confirmLabel:
          dropped.length > 0 ? `Xoá và huỷ ${dropped.length} lượt phát` : 'Xoá khung giờ',
        cancelLabel: 'Giữ lại',
        danger: true,
      });
      if (!yes) return;
      const done = await api<WindowDeletion>('DELETE', `${base}/${window.id}?dropItems=true`);
      toast(
        done.droppedItems.length > 0
          ? `Đã xoá khung giờ phát và huỷ ${done.droppedItems.length} lượt phát.`
          : 'Đã xoá khung giờ phát.',
      );
      reload();
    } catch (error) {
      toast(errorText(error), 'error');
    }
  };
  /**
   * Saves a window's new name, days or time. When the change leaves items outside, one question
   * says which and offers to move them into the new time (those that fit) or cancel them.
   */
  const saveWindow = async (window: BroadcastWindow, change: object): Promise<boolean> => {
    const path = `${base}/${window.id}`;
    const rehearsal = await patch<WindowChange>(
      `${path}?moveItems=true&dropItems=true&dryRun=true`,
      change,
    );
    const { movedItems: movable, droppedItems: unfit } = rehearsal;
    const left = movable.length + unfit.length;
    let query = '';
    if (left > 0) {
      const choice = await chooseDialog(
        'Có lượt phát nằm ngoài giờ mới',
        h(
          'div',
          { 'data-testid': 'left-outside' },
          h(
            'p',
            null,
            h('strong', null, `${left} lượt phát`),
            ' sắp tới sẽ nằm ngoài khung giờ sau khi sửa.',
          ),
          movable.length > 0
            ? [
                h('p', null, `${movable.length} lượt dời được vào giờ mới của khung:`),
                itemList(movable, true),
              ]
            : null,
          unfit.length > 0
            ? [
                h('p', null, `${unfit.length} lượt không còn chỗ trong giờ mới và sẽ bị huỷ:`),
                itemList(unfit),
              ]
            : null,
        ),
        [
          ...(movable.length > 0
            ? [{ value: 'move', label: `Dời ${movable.length} lượt vào giờ mới` }]
            : []),
          { value: 'drop', label: `Huỷ cả ${left} lượt phát`, danger: true },
        ],
      );
      if (!choice) return false;
      query = choice === 'move' ? '?moveItems=true&dropItems=true' : '?dropItems=true';
    }
    const saved = await patch<WindowChange>(`${path}${query}`, change);
    const parts = ['Đã lưu khung giờ phát.'];
    if (saved.movedItems.length > 0) parts.push(`Đã dời ${saved.movedItems.length} lượt phát.`);
    if (saved.droppedItems.length > 0) parts.push(`Đã huỷ ${saved.droppedItems.length} lượt phát.`);
    toast(parts.join(' '));
    return true;
  };
  const onEdit = (window: BroadcastWindow): void => {
    void openDialog(`Sửa khung giờ “${window.name}”`, (close) => {
      const fields = windowFields(window);
      return form(
        { class: 'form-grid', 'aria-label': 'Sửa khung giờ phát' },
        fields.children,
        'Lưu thay đổi',
        async (message) => {
          const change = fields.read(message);
          if (!change) return;
          if (await saveWindow(window, change)) {
            close();
            reload();
          }
        },
      ).form;
    });
  };
  const fields = windowFields(null);
  const create = form(
    { class: 'card form-grid', 'aria-label': 'Thêm khung giờ phát' },
    [h('h2', null, 'Thêm khung giờ phát'), ...fields.children],
    'Thêm khung giờ',
    async (message) => {
      const input = fields.read(message);
      if (!input) return;
      await post(base, input);
      toast('Đã thêm khung giờ phát.');
      reload();
    },
  );
  return {
    title: 'Khung giờ phát',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Khung giờ phát'),
      h(
        'p',
        { class: 'muted' },
        'Các khung giờ phát lặp lại hằng tuần. Bản tin chỉ được xếp lịch trong các khung giờ này (trừ phát khẩn cấp).',
      ),
      windows.some(breaches)
        ? h(
            'p',
            { class: 'policy-breach', role: 'note', 'data-testid': 'windows-breach-summary' },
            h(
              'strong',
              null,
              `⚠ ${windows.filter(breaches).length} khung giờ vi phạm quy định phát sóng đang áp dụng.`,
            ),
            ' Các mục phát trong phần vi phạm sẽ bị từ chối khi phát; hãy sửa khung giờ và dời giờ các mục đó (trang ',
            h('a', { href: href('/lich') }, 'Lịch phát sóng'),
            ').',
          )
        : null,
      windowTable(windows, onEdit, (window) => void onDelete(window)),
      create.form,
    ),
  };
}
