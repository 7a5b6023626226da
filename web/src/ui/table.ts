/**
 * Lets a table turn into one card per row on a phone: each cell is labelled with its column's
 * header (CSS shows the label before the value under 720 px).
 */
export function stackOnPhone(table: HTMLTableElement): HTMLTableElement {
  const headers = [...table.querySelectorAll('thead th')].map((cell) => cell.textContent ?? '');
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, index) => {
      if (headers[index]) cell.setAttribute('data-label', headers[index]);
    });
  }
  table.classList.add('stack');
  return table;
}
