import { get } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';

interface DemoStatus {
  present: boolean;
  communes: { code: string; name: string }[];
  bulletinIds: string[];
  removeCommand: string;
}

let demoBulletins = new Set<string>();

/** True for a bulletin made by `npm run demo` (its items and records are sample data too). */
export function isDemoBulletin(id: string | null | undefined): boolean {
  return id !== null && id !== undefined && demoBulletins.has(id);
}

/**
 * Loads which data is sample data and, while any is in the database, shows a standing notice so
 * nobody takes it for real broadcasts; it names the command that removes it.
 */
export async function showDemoBanner(context: AppContext, slot: HTMLElement): Promise<void> {
  let status: DemoStatus;
  try {
    status = await get<DemoStatus>('/demo');
  } catch {
    return;
  }
  demoBulletins = new Set(status.bulletinIds);
  if (!status.present || status.communes.length === 0) return;
  const relevant =
    !context.commune || status.communes.some((commune) => commune.code === context.commune?.code);
  if (!relevant) return;
  slot.replaceChildren(
    h(
      'div',
      { class: 'demo-banner', role: 'note', 'data-testid': 'demo-banner' },
      h('strong', null, 'Dữ liệu mẫu. '),
      `Hệ thống đang có dữ liệu trình diễn của ${status.communes.map((c) => c.name).join(', ')}, đánh dấu “Mẫu”. Xoá bằng lệnh `,
      h('code', null, status.removeCommand),
      '.',
    ),
  );
}
