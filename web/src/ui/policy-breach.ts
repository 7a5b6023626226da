import { h } from '../dom.js';
import { breaches } from '../policy-breaches.js';
import type { BreachedRule } from '../types.js';

/** The short mark on an item or a window that breaks the broadcast policy in force. */
export const BREACH_MARK = '⚠ Vi phạm quy định phát sóng';

/**
 * What an item that breaks the policy in force needs said: the rule (the server's Vietnamese
 * message), that the loudspeakers will not play it, and the way out. Null when it breaks none.
 */
export function itemBreachNote(item: {
  policyBreaches?: readonly BreachedRule[];
}): HTMLElement | null {
  if (!breaches(item)) return null;
  return h(
    'div',
    { class: 'policy-breach', role: 'note', 'data-testid': 'policy-breach' },
    h('strong', null, BREACH_MARK),
    item.policyBreaches!.map((breach) => h('p', null, `${breach.messageVi}.`)),
    h(
      'p',
      null,
      'Loa sẽ không phát mục này và thời lượng của nó không được tính vào chỉ tiêu. Hãy dời giờ sang lúc được phép phát hoặc huỷ mục này.',
    ),
  );
}

/** What a window that breaks the policy in force needs said, or null. */
export function windowBreachNote(window: {
  policyBreaches?: readonly BreachedRule[];
}): HTMLElement | null {
  if (!breaches(window)) return null;
  return h(
    'div',
    { class: 'policy-breach', role: 'note', 'data-testid': 'policy-breach' },
    h('strong', null, BREACH_MARK),
    window.policyBreaches!.map((breach) => h('p', null, `${breach.messageVi}.`)),
    h(
      'p',
      null,
      'Các mục phát trong phần vi phạm sẽ bị từ chối khi phát. Hãy sửa giờ hoặc thời lượng của khung giờ cho đúng quy định.',
    ),
  );
}

/**
 * The planned items the player will refuse, as the progress and the planner count them: how many,
 * that they are not counted, and that they need moving; null when there are none.
 */
export function refusedItemsNote(count: number, link: HTMLElement | null): HTMLElement | null {
  if (count === 0) return null;
  return h(
    'p',
    { class: 'policy-breach', role: 'note', 'data-testid': 'refused-items' },
    h('strong', null, `⚠ ${count} mục phát vi phạm quy định phát sóng`),
    ` nên loa sẽ không phát và không được tính vào chỉ tiêu. Cần dời giờ hoặc huỷ các mục này. `,
    link,
  );
}
