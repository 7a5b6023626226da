import { get } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';

interface DemoStatus {
  present: boolean;
  communes: { code: string; name: string }[];
  removeCommand: string;
}

/**
 * A standing notice while sample data made by `npm run demo` is in the database, so nobody takes
 * it for real broadcasts; it names the command that removes it.
 */
export async function showDemoBanner(context: AppContext, slot: HTMLElement): Promise<void> {
  let status: DemoStatus;
  try {
    status = await get<DemoStatus>('/demo');
  } catch {
    return;
  }
  if (!status.present) return;
  const relevant =
    !context.commune || status.communes.some((commune) => commune.code === context.commune?.code);
  if (!relevant) return;
  slot.replaceChildren(
    h(
      'div',
      { class: 'demo-banner', role: 'note', 'data-testid': 'demo-banner' },
      h('strong', null, 'Dữ liệu mẫu. '),
      `Hệ thống đang có dữ liệu trình diễn (${status.communes.map((c) => c.name).join(', ')}), được đánh dấu “Mẫu”. Xoá bằng lệnh `,
      h('code', null, status.removeCommand),
      '.',
    ),
  );
}
