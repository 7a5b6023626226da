import { AppContext, topicName } from '../context.js';
import { h } from '../dom.js';
import { topicColour } from '../labels.js';

/** A topic's name on its colour (the colour the week calendar and the progress bars use). */
export function topicChip(context: AppContext, code: string): HTMLElement {
  const colour = topicColour(context.topics, code);
  const chip = h(
    'span',
    { class: 'chip chip-topic', 'data-topic': code },
    topicName(context, code),
  );
  chip.style.background = colour.fill;
  chip.style.color = colour.text;
  return chip;
}
