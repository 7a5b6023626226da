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
