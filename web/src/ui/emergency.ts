import { get, post } from '../api.js';
import { AppContext, communeCode } from '../context.js';
import { h } from '../dom.js';
import { formatDurationMs, formatTime } from '../format.js';
import { href } from '../router.js';
import type { Bulletin, ScheduleItem } from '../types.js';
import { openDialog } from './dialog.js';
import { form } from './form.js';
import { toast } from './notice.js';

interface EmergencyResult extends ScheduleItem {
  interrupts: { id: string; startsAt: string }[];
}

/**
 * Phát khẩn cấp: plays an approved emergency bulletin at once, interrupting the program. Two
 * deliberate steps: choose the bulletin, then tick the confirmation before the red button works.
 */
export async function openEmergency(context: AppContext): Promise<void> {
  const commune = communeCode(context);
  let bulletins: Bulletin[];
  try {
    bulletins = (
      await get<Bulletin[]>(`/communes/${commune}/bulletins?status=approved&includeLibrary=true`)
    ).filter((bulletin) => bulletin.priority === 'emergency' && bulletin.audioStatus === 'ready');
  } catch (error) {
    toast(error instanceof Error ? error.message : String(error), 'error');
    return;
  }
  await openDialog(
    'Phát khẩn cấp',
    (close) => {
      if (bulletins.length === 0) {
        return h(
          'div',
          null,
          h(
            'p',
            null,
            'Chưa có bản tin khẩn cấp nào đã duyệt. Tạo bản tin với mức ưu tiên “Khẩn cấp” và trình duyệt trước.',
          ),
          h(
            'a',
            { href: href('/ban-tin/moi'), class: 'button primary', onClick: close },
            'Tạo bản tin',
          ),
        );
      }
      const choices = bulletins.map((bulletin, index) =>
        h(
          'label',
          { class: 'choice' },
          h('input', {
            type: 'radio',
            name: 'emergency-bulletin',
            value: bulletin.id,
            checked: index === 0,
          }),
          ` ${bulletin.title} (${formatDurationMs(bulletin.durationMs)})`,
        ),
      );
      const confirm = h('input', { type: 'checkbox', id: 'emergency-confirm' });
      const handle = form(
        { class: 'emergency-form' },
        [
          h('fieldset', { class: 'choice-list' }, h('legend', null, 'Bản tin khẩn cấp'), choices),
          h(
            'p',
            { class: 'warning' },
            'Bản tin sẽ phát ngay trên loa, ngắt chương trình đang phát. Các bản tin đã xếp lịch sau đó sẽ bị lùi lại.',
          ),
          h(
            'label',
            { class: 'check', for: 'emergency-confirm' },
            confirm,
            ' Tôi xác nhận cần phát khẩn cấp ngay bây giờ',
          ),
        ],
        'PHÁT NGAY',
        async (message) => {
          if (!confirm.checked) return message.show('Hãy đánh dấu ô xác nhận trước khi phát.');
          const chosen = choices
            .map((label) => label.querySelector('input'))
            .find((radio) => radio?.checked)?.value;
          if (!chosen) return message.show('Chọn bản tin cần phát.');
          const result = await post<EmergencyResult>(`/communes/${commune}/schedule/emergency`, {
            bulletinId: chosen,
          });
          toast(
            `Đã phát lệnh khẩn cấp lúc ${formatTime(result.startsAt)}${result.interrupts?.length ? `; ${result.interrupts.length} mục trong lịch bị ngắt hoặc lùi lại` : ''}.`,
          );
          close();
        },
        [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Huỷ')],
      );
      handle.form.querySelector('button[type=submit]')?.classList.replace('primary', 'danger');
      return handle.form;
    },
    true,
  );
}
