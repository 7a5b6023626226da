import { del, errorText, get, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { formatDate, weekdayName, weekdayShort } from '../format.js';
import { navigate, Page } from '../router.js';
import type { BroadcastWindow } from '../types.js';
import { confirmDialog } from '../ui/dialog.js';
import { checkGroup, field, form, input } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { timeInput } from '../ui/date-input.js';

const DAYS = [1, 2, 3, 4, 5, 6, 7];

function daysText(days: readonly number[]): string {
  if (days.length === 7) return 'Hằng ngày';
  return days.map(weekdayShort).join(', ');
}

function windowTable(windows: BroadcastWindow[], onDelete: (window: BroadcastWindow) => void) {
  if (windows.length === 0) return emptyState('Chưa có khung giờ phát nào.');
  return h(
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
          h('th', null, 'Tên khung giờ'),
          h('th', null, 'Giờ phát'),
          h('th', null, 'Thời lượng'),
          h('th', null, 'Ngày trong tuần'),
          h('th', null, 'Hiệu lực'),
          h('th', null, h('span', { class: 'sr-only' }, 'Thao tác')),
        ),
      ),
      h(
        'tbody',
        null,
        windows.map((window) =>
          h(
            'tr',
            null,
            h('td', null, window.name),
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

/** Khung giờ phát: the commune's recurring on-air windows. */
export async function windowsPage(context: AppContext): Promise<Page> {
  const commune = communeCode(context);
  const windows = (await get<BroadcastWindow[]>(`/communes/${commune}/windows`)).sort((a, b) =>
    a.startTime.localeCompare(b.startTime),
  );
  const reload = (): void => navigate('/khung-gio');
  const onDelete = (window: BroadcastWindow): void => {
    void confirmDialog({
      title: 'Xoá khung giờ phát?',
      body: `Khung giờ “${window.name}” (${window.startTime}–${window.endTime}) sẽ bị xoá.`,
      confirmLabel: 'Xoá khung giờ',
      cancelLabel: 'Giữ lại',
      danger: true,
    }).then(async (yes) => {
      if (!yes) return;
      try {
        await del(`/communes/${commune}/windows/${window.id}`);
        toast('Đã xoá khung giờ phát.');
        reload();
      } catch (error) {
        toast(errorText(error), 'error');
      }
    });
  };
  const name = input({ name: 'name', required: true, maxlength: 100, placeholder: 'Ví dụ: Sáng' });
  const start = timeInput({ name: 'startTime', required: true, value: '05:30' });
  const duration = input({
    name: 'durationMinutes',
    type: 'number',
    min: 1,
    max: 1440,
    required: true,
    value: '30',
  });
  const days = checkGroup(
    'Ngày trong tuần',
    DAYS.map((day) => ({ value: String(day), label: weekdayName(day) })),
    DAYS.map(String),
  );
  const create = form(
    { class: 'card form-grid', 'aria-label': 'Thêm khung giờ phát' },
    [
      h('h2', null, 'Thêm khung giờ phát'),
      field('Tên khung giờ', name),
      field('Giờ bắt đầu', start),
      field('Thời lượng (phút)', duration),
      days.element,
    ],
    'Thêm khung giờ',
    async (message) => {
      const selected = days.values().map(Number);
      if (!name.value.trim()) return message.show('Nhập tên khung giờ.');
      if (selected.length === 0) return message.show('Chọn ít nhất một ngày trong tuần.');
      await post(`/communes/${commune}/windows`, {
        name: name.value.trim(),
        daysOfWeek: selected,
        startTime: start.value,
        durationMinutes: Number(duration.value),
      });
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
      windowTable(windows, onDelete),
      create.form,
    ),
  };
}
