import type { AppContext } from '../context.js';
import { h } from '../dom.js';
import type { Campaign } from '../types.js';

/** The topics that the campaigns running today count, and those campaigns' names. */
export function countedTopics(campaigns: readonly Campaign[]): {
  topics: Set<string>;
  names: string[];
} {
  const running = campaigns.filter((campaign) => campaign.status === 'running');
  return {
    topics: new Set(running.flatMap((campaign) => campaign.rules.map((rule) => rule.topic))),
    names: running.map((campaign) => campaign.name),
  };
}

/**
 * Marks the topic boxes a running campaign counts (★, explained under the boxes) and warns, as
 * the boxes change, when the chosen topics are counted by no running campaign.
 */
export function markCountedTopics(
  context: AppContext,
  group: HTMLElement,
  values: () => string[],
  campaigns: readonly Campaign[],
  subject = 'bản tin này',
): void {
  const counted = countedTopics(campaigns);
  if (counted.topics.size === 0) return;
  for (const box of group.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) {
    if (!counted.topics.has(box.value)) continue;
    // Beside the label, not in it: the box keeps its name; the hint below says the same in words.
    const label = box.parentElement;
    if (!label) continue;
    const pair = h('span', { class: 'counted-topic' });
    label.replaceWith(pair);
    pair.append(
      label,
      h(
        'span',
        { class: 'counted-mark', 'aria-hidden': 'true', title: 'Được tính vào chỉ tiêu' },
        '★',
      ),
    );
  }
  const names = context.topics
    .filter((topic) => counted.topics.has(topic.code))
    .map((topic) => topic.name);
  group.append(
    h(
      'p',
      { class: 'small counted-hint', 'data-testid': 'counted-topics' },
      `★ Chủ đề được tính vào chỉ tiêu của chiến dịch đang diễn ra (${counted.names.join(', ')}): ${names.join(', ')}.`,
    ),
  );
  const warning = h('p', {
    class: 'message message-warning counted-hint',
    role: 'status',
    hidden: true,
    'data-testid': 'uncounted-warning',
  });
  group.append(warning);
  group.addEventListener('change', () => {
    const chosen = values();
    const uncounted = chosen.length > 0 && !chosen.some((code) => counted.topics.has(code));
    warning.hidden = !uncounted;
    warning.textContent = uncounted
      ? `Các chủ đề đã chọn không được chiến dịch nào đang diễn ra tính: ${subject} sẽ không được tính vào chỉ tiêu. Hãy chọn thêm một chủ đề có dấu ★ nếu nội dung phù hợp.`
      : '';
  });
}
