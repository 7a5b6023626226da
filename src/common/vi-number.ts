/**
 * Numbers in Vietnamese, two ways, by where they are read:
 * - `viNumber`: prose people read (alerts, notices, policy messages, log reasons, the calendar
 *   feed, the official PDF's sentences and tables, the web pages): thousands grouped with a dot, a
 *   decimal comma, "3.600 giây", "1.234,6 giây", as vi-VN writes them and as the web app's
 *   `formatNumber` (Intl vi-VN) shows them. Not a record's number (seq): an identifier, ungrouped.
 * - `decimalComma`: cells of the exports (CSV, XLSX) and other values a program or a spreadsheet
 *   reads back: a decimal comma, no grouping, "1234,6". A grouped "1.234" is a thousand to Excel in
 *   vi-VN and one point something to everything else.
 * Both round alike (`decimalComma`'s rule), so a number reads the same in a message and a file.
 */

/**
 * A number for an export cell: a decimal comma (the decimal mark of vi-VN, and of Nghị định
 * 30/2020/NĐ-CP for documents), no digit grouping, between `minDigits` and `maxDigits` decimals
 * (trailing zeros beyond the minimum dropped): `decimalComma(44.25, 1)` is "44,3", `decimalComma(2.04, 1, 3)` "2,04",
 * `decimalComma(300, 1, 3)` "300,0". A value that rounds to zero has no minus sign. In a sentence
 * people read, use `viNumber`.
 */
export function decimalComma(value: number, minDigits: number, maxDigits = minDigits): string {
  let text = value.toFixed(maxDigits);
  if (maxDigits > minDigits) {
    text = text.replace(new RegExp(`0{1,${maxDigits - minDigits}}$`), '').replace(/\.$/, '');
  }
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);
  return text.replace('.', ',');
}

/**
 * A number in a sentence people read: as `decimalComma` (its decimals, its rounding), with the
 * thousands grouped by a dot from four digits on, as vi-VN does: `viNumber(3600)` is "3.600",
 * `viNumber(1234.56, 0, 1)` "1.234,6", `viNumber(45.5, 0, 1)` "45,5". Not for export cells.
 */
export function viNumber(value: number, minDigits = 0, maxDigits = minDigits): string {
  const [whole, decimals] = decimalComma(value, minDigits, maxDigits).split(',');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, '.');
  return decimals === undefined ? grouped : `${grouped},${decimals}`;
}
