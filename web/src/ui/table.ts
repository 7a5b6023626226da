import { h } from '../dom.js';

/**
 * A column of a table's head: its label, or its label with a class (`num`: right-aligned figures)
 * or shown to screen readers only. A null column is left out (a column only some views have).
 */
export type Column = string | { label: string; class?: string; srOnly?: boolean } | null;

/** The row buttons' column: the buttons say what they do, so its name is for screen readers only. */
export const ACTIONS_COLUMN: Column = Object.freeze({ label: 'Thao tác', srOnly: true });

/**
 * A table's head: one `th scope="col"` a column, so that a screen reader names each cell's column
 * (and `stackOnPhone` reads the same texts as its labels).
 */
export function tableHead(columns: readonly Column[]): HTMLTableSectionElement {
  return h(
    'thead',
    null,
    h(
      'tr',
      null,
      columns.map((column) => {
        if (column === null) return null;
        if (typeof column === 'string') return h('th', { scope: 'col' }, column);
        return h(
          'th',
          { scope: 'col', class: column.class },
          column.srOnly ? h('span', { class: 'sr-only' }, column.label) : column.label,
        );
      }),
    ),
  );
}

/**
 * Lets a table turn into one card per row on a phone: each cell is labelled with its column's
 * header (CSS shows the label before the value under 720 px).
 */
export function stackOnPhone(table: HTMLTableElement): HTMLTableElement {
  const headers = [...table.querySelectorAll('thead th')].map((cell) => cell.textContent ?? '');
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, index) => {
      if (!headers[index]) return;
      cell.setAttribute('data-label', headers[index]);
      // One box for the value, so that a cell's several parts stay together beside the label.
      const value = document.createElement('div');
      value.className = 'cell-value';
      value.append(...cell.childNodes);
      cell.append(value);
    });
  }
  table.classList.add('stack');
  return table;
}
