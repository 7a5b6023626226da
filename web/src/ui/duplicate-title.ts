import { get } from '../api.js';
import { sameTitled } from '../bulletin-names.js';
import { h } from '../dom.js';
import { formatDateTime, formatDurationMs } from '../format.js';
import type { Bulletin } from '../types.js';
import { confirmDialog } from './dialog.js';

/**
 * Before a bulletin is saved under `title`: when a bulletin of the same owner (not archived) reads
 * the same, as names are compared, asks whether to keep it, since two of one title look alike in
 * the approvals inbox, the add-to-schedule list and the emergency dialog. True to save.
 */
export async function keepDuplicateTitle(
  ownerApi: string,
  title: string,
  exceptId?: string,
): Promise<boolean> {
  const twins = sameTitled(await get<Bulletin[]>(`${ownerApi}/bulletins`), title, exceptId);
  if (twins.length === 0) return true;
  return confirmDialog({
    title: 'Đã có bản tin cùng tiêu đề',
    body: h(
      'div',
      { 'data-testid': 'duplicate-title' },
      h('p', null, `Đã có bản tin mang tiêu đề “${title}”:`),
      h(
        'ul',
        null,
        twins.map((twin) =>
          h(
            'li',
            null,
            `“${twin.title}”, dài ${formatDurationMs(twin.durationMs)}, tạo lúc ${formatDateTime(twin.createdAt)}` +
              (twin.status === 'approved' ? ', đã duyệt' : ', chờ duyệt'),
          ),
        ),
      ),
      h(
        'p',
        null,
        'Hai bản tin cùng tiêu đề khó phân biệt khi duyệt, khi xếp lịch và khi phát khẩn cấp. Nên đặt tiêu đề khác, ví dụ thêm ngày hoặc đợt.',
      ),
    ),
    confirmLabel: 'Vẫn lưu với tiêu đề này',
    cancelLabel: 'Sửa tiêu đề',
  });
}
