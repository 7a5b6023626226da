import { Attrs, Child, h, uid } from '../dom.js';
import { messageBox, MessageBox } from './notice.js';

/** A labelled field: the label is tied to the control for screen readers and clicks. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLElement {
  if (!control.id) control.id = uid();
  const hintElement = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement);
}

export function input(attrs: Attrs): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export interface Option {
  value: string;
  label: string;
}

export function select(options: readonly Option[], attrs: Attrs = {}): HTMLSelectElement {
  return h(
    'select',
    attrs,
    options.map((option) =>
      h('option', { value: option.value, selected: option.value === attrs.value }, option.label),
    ),
  );
}

/** A group of checkboxes in a fieldset (topics, days of the week). */
export interface CheckGroup {
  element: HTMLFieldSetElement;
  values(): string[];
  set(values: readonly string[]): void;
}

export function checkGroup(
  legend: string,
  options: readonly Option[],
  checked: readonly string[] = [],
): CheckGroup {
  const boxes = options.map((option) => {
    const box = h('input', {
      type: 'checkbox',
      value: option.value,
      checked: checked.includes(option.value),
    });
    return { box, label: h('label', { class: 'check' }, box, ` ${option.label}`) };
  });
  const element = h(
    'fieldset',
    { class: 'check-group' },
    h('legend', null, legend),
    boxes.map((entry) => entry.label),
  );
  return {
    element,
    values: () => boxes.filter((entry) => entry.box.checked).map((entry) => entry.box.value),
    set: (values) => {
      for (const entry of boxes) entry.box.checked = values.includes(entry.box.value);
    },
  };
}

/**
 * What is wrong with a shown input, named by its label, or null: its own message where it set one
 * (a date or time), else its constraint's (`required`, `minlength`, `pattern` described by `title`).
 */
export function constraintText(control: HTMLInputElement): string | null {
  const validity = control.validity;
  if (validity.valid || control.closest('[hidden]')) return null;
  if (validity.customError) return control.validationMessage;
  const label = control.labels?.[0]?.textContent?.trim() || 'Ô này';
  if (validity.valueMissing) return `Chưa nhập ${label.toLowerCase()}`;
  if (validity.tooShort) return `${label} phải có ít nhất ${control.minLength} ký tự`;
  if (validity.tooLong) return `${label} chỉ được dài tối đa ${control.maxLength} ký tự`;
  if (validity.patternMismatch && control.title) return `${label} ${control.title}`;
  if (validity.badInput) return `${label} phải là một số`;
  if (validity.rangeUnderflow) return `${label} phải từ ${control.min} trở lên`;
  if (validity.rangeOverflow) return `${label} không được quá ${control.max}`;
  // A step is the arrows' (half minutes of a weekly target): a value between them is the user's
  // to give (700 s a week is 11,67 minutes), and the API judges it.
  if (validity.stepMismatch) return null;
  return `${label} chưa hợp lệ`;
}

export interface FormHandle {
  form: HTMLFormElement;
  message: MessageBox;
}

/**
 * A form whose submit runs `onSubmit` once at a time: the submit button is disabled meanwhile, and
 * an error (in Vietnamese, from the API) shows above the buttons.
 */
export function form(
  attrs: Attrs,
  children: Child[],
  submitLabel: string,
  onSubmit: (message: MessageBox) => Promise<void>,
  extraButtons: Child[] = [],
): FormHandle {
  const message = messageBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const element = h(
    'form',
    { novalidate: true, ...attrs },
    children,
    message.element,
    h('div', { class: 'actions' }, submit, extraButtons),
  );
  let busy = false;
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    // A field whose text breaks its own constraints (a date typed amiss, a password too short)
    // says so before sending, in Vietnamese: the API would answer in English.
    for (const control of element.elements) {
      if (!(control instanceof HTMLInputElement)) continue;
      const text = constraintText(control);
      if (text) {
        message.show(text);
        control.focus();
        return;
      }
    }
    busy = true;
    submit.disabled = true;
    element.setAttribute('aria-busy', 'true');
    message.show(null);
    onSubmit(message)
      .catch((error: unknown) => message.showError(error))
      .finally(() => {
        busy = false;
        submit.disabled = false;
        element.removeAttribute('aria-busy');
      });
  });
  return { form: element, message };
}

/** A button that runs an async action once at a time and reports failures in `message`. */
export function actionButton(
  label: string,
  action: () => Promise<void>,
  onError: (error: unknown) => void,
  attrs: Attrs = {},
): HTMLButtonElement {
  const button = h('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    action()
      .catch(onError)
      .finally(() => {
        if (button.isConnected) button.disabled = false;
      });
  });
  return button;
}

/**
 * A file field whose button and "no file" text are the app's own (Vietnamese), not the browser's:
 * the native input stays in the page for its label and the form, out of sight; the button opens it.
 */
export function fileField(
  label: string,
  attrs: Attrs,
  hint?: string,
): { element: HTMLElement; input: HTMLInputElement } {
  const native = h('input', { type: 'file', class: 'file-native', tabindex: '-1', ...attrs });
  native.id = uid();
  const chosen = h('span', { class: 'file-name muted' }, 'Chưa chọn tệp');
  const button = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Chọn tệp: ${label}` },
    'Chọn tệp…',
  );
  button.addEventListener('click', () => native.click());
  native.addEventListener('change', () => {
    chosen.textContent = native.files?.[0]?.name ?? 'Chưa chọn tệp';
  });
  const hintElement = hint ? h('small', { class: 'hint', id: `${native.id}-hint` }, hint) : null;
  if (hintElement) native.setAttribute('aria-describedby', hintElement.id);
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: native.id }, label),
    h('div', { class: 'file-row' }, native, button, chosen),
    hintElement,
  );
  return { element, input: native };
}
