/**
 * A number as people read it in Vietnamese (vi-VN, and Nghị định 30/2020/NĐ-CP for documents):
 * a decimal comma, no digit grouping, between `minDigits` and `maxDigits` decimals (trailing
 * zeros beyond the minimum dropped): `decimalComma(44.25, 1)` is "44,3", `decimalComma(2.04, 1, 3)`
 * "2,04", `decimalComma(300, 1, 3)` "300,0". No grouping: "1.234" is a thousand to Excel in vi-VN
 * and one point something to everything else. A value that rounds to zero has no minus sign.
 */
export function decimalComma(value: number, minDigits: number, maxDigits = minDigits): string {
  let text = value.toFixed(maxDigits);
  if (maxDigits > minDigits) {
    text = text.replace(new RegExp(`0{1,${maxDigits - minDigits}}$`), '').replace(/\.$/, '');
  }
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);
  return text.replace('.', ',');
}
