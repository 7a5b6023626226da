import { Attrs } from '../dom.js';
import { dateRangeProblem, formatDate, MAX_RANGE_DAYS } from '../format.js';
import { input } from './form.js';
import { messageBox } from './notice.js';

/**
 * Date and time fields that read dd/mm/yyyy and 24 h whatever the browser's language: a native
 * `type=date` or `type=time` follows the browser (mm/dd/yyyy and AM/PM in an English Chrome).
 * They are text fields whose `value` reads and writes what a native field's would (`YYYY-MM-DD`,
 * `HH:mm` or `HH:mm:ss`; '' while what is typed is not a valid date or time), so a form reads
 * them as before, while the person sees and types `06/10/2025` and `05:30`.
 */

const DATE_TEXT = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/;
const TIME_TEXT = /^\s*(\d{1,2})[:hg.](\d{2})(?::(\d{2}))?\s*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `6/10/2025` → `2025-10-06`; null when not a calendar date. */
export function parseDateText(text: string): string | null {
  const match = DATE_TEXT.exec(text);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1) return null;
  if (date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** `5:30` → `05:30`, `5:30:07` → `05:30:07` (with seconds asked); null when not a 24 h time. */
export function parseTimeText(text: string, withSeconds = false): string | null {
  const match = TIME_TEXT.exec(text);
  if (!match) return null;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(hours)}:${pad(minutes)}${withSeconds ? `:${pad(seconds)}` : ''}`;
}

/** Gives `element.value` the native field's meaning, its text staying what the person typed. */
function withValue(
  element: HTMLInputElement,
  read: (text: string) => string | null,
  show: (value: string) => string,
  invalid: string,
): HTMLInputElement {
  const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  if (!native?.get || !native.set) return element;
  const text = {
    get: (): string => native.get?.call(element) as string,
    set: (value: string): void => native.set?.call(element, value),
  };
  Object.defineProperty(element, 'value', {
    configurable: true,
    get: () => read(text.get()) ?? '',
    set: (value: string) => text.set(value ? show(value) : ''),
  });
  const check = (): void => {
    const typed = text.get().trim();
    element.setCustomValidity(typed && read(typed) === null ? invalid : '');
  };
  element.addEventListener('input', check);
  element.addEventListener('change', () => {
    // Tidy what was typed (6/10/2025 → 06/10/2025) once it is a valid value.
    const value = read(text.get());
    if (value) text.set(show(value));
    check();
  });
  return element;
}

/** A date field: `dd/mm/yyyy` (`nn/tt/nnnn`) shown and typed, `value` is `YYYY-MM-DD`. */
export function dateInput(attrs: Attrs = {}): HTMLInputElement {
  const { value, type: _type, ...rest } = attrs;
  const element = input({
    ...rest,
    inputmode: 'numeric',
    autocomplete: 'off',
    // ngày/tháng/năm, as the field's own message words it.
    placeholder: 'nn/tt/nnnn',
    maxlength: 10,
    size: 10,
    class: `date-input${rest.class ? ` ${String(rest.class)}` : ''}`,
  });
  withValue(
    element,
    (text) => (ISO_DATE.test(text) ? text : parseDateText(text)),
    (iso) => (ISO_DATE.test(iso) ? formatDate(iso) : iso),
    'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 06/10/2025.',
  );
  if (typeof value === 'string' && value) element.value = value;
  return element;
}

/** A 24 h time field: `HH:mm` (or `HH:mm:ss` with `step` under 60) shown, typed and valued. */
export function timeInput(attrs: Attrs = {}): HTMLInputElement {
  const { value, type: _type, step, ...rest } = attrs;
  const withSeconds = step !== undefined && Number(step) < 60;
  const element = input({
    ...rest,
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: withSeconds ? 'hh:mm:ss' : 'hh:mm',
    maxlength: withSeconds ? 8 : 5,
    size: withSeconds ? 8 : 5,
    class: `time-input${rest.class ? ` ${String(rest.class)}` : ''}`,
  });
  withValue(
    element,
    (text) => parseTimeText(text, withSeconds),
    (time) => parseTimeText(time, withSeconds) ?? time,
    withSeconds
      ? 'Nhập giờ theo dạng 24 giờ, ví dụ 17:30:00.'
      : 'Nhập giờ theo dạng 24 giờ, ví dụ 17:30.',
  );
  if (typeof value === 'string' && value) element.value = value;
  return element;
}

/**
 * Two date fields read as one range ("Từ ngày", "Đến ngày"): what is wrong with it (its start
 * after its end, more days than the API takes) shows in Vietnamese in `element`, to be placed
 * beside them, as soon as both hold a date. A page sends the range only when `check()` says so,
 * rather than letting the API refuse it in English.
 */
export interface DateRangeCheck {
  element: HTMLElement;
  /** Shows the range's problem (or hides the message); true when it may be sent. */
  ok(): boolean;
  /** `ok()`, and the end date focused when not. */
  check(): boolean;
}

export function dateRangeCheck(
  from: HTMLInputElement,
  to: HTMLInputElement,
  maxDays: number = MAX_RANGE_DAYS,
): DateRangeCheck {
  const message = messageBox();
  message.element.dataset.testid = 'date-range-problem';
  const ok = (): boolean => {
    const problem = dateRangeProblem(from.value, to.value, maxDays);
    message.show(problem);
    for (const control of [from, to]) {
      if (problem) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    }
    return problem === null;
  };
  for (const control of [from, to])
    control.addEventListener('change', () => {
      ok();
    });
  return {
    element: message.element,
    ok,
    check: () => {
      if (ok()) return true;
      to.focus();
      return false;
    },
  };
}
