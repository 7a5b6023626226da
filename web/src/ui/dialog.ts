import { Child, h } from '../dom.js';

export interface ConfirmOptions {
  title: string;
  body: Child;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
}

/**
 * A modal question. The native <dialog> traps focus, closes on Escape and gives focus back to the
 * button that opened it.
 */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const confirm = h(
      'button',
      { type: 'submit', value: 'yes', class: options.danger ? 'danger' : 'primary' },
      options.confirmLabel,
    );
    const cancel = h(
      'button',
      { type: 'submit', value: 'no', class: 'secondary' },
      options.cancelLabel ?? 'Huỷ',
    );
    const dialog = h(
      'dialog',
      { class: options.danger ? 'dialog dialog-danger' : 'dialog', 'aria-labelledby': 'dlg-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'dlg-title' }, options.title),
        h('div', { class: 'dialog-body' }, options.body),
        h('div', { class: 'actions' }, confirm, cancel),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A modal with arbitrary content (a form); resolves when it closes. */
export function openDialog(
  title: string,
  content: (close: () => void) => Child,
  danger = false,
): Promise<void> {
  return new Promise((resolve) => {
    const dialog = h('dialog', {
      class: danger ? 'dialog dialog-danger' : 'dialog',
      'aria-labelledby': 'dlg-title',
    });
    const close = (): void => dialog.close();
    dialog.append(
      h(
        'div',
        { class: 'dialog-head' },
        h('h2', { id: 'dlg-title' }, title),
        h(
          'button',
          { type: 'button', class: 'icon-button', 'aria-label': 'Đóng', onClick: close },
          '×',
        ),
      ),
      h('div', { class: 'dialog-body' }, content(close)),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export interface Choice {
  value: string;
  label: string;
  danger?: boolean;
}

/**
 * A modal question with several answers (move the items, or drop them): resolves with the chosen
 * value, or null when the person backs out.
 */
export function chooseDialog(
  title: string,
  body: Child,
  choices: readonly Choice[],
  cancelLabel = 'Quay lại',
): Promise<string | null> {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'submit', value: '', class: 'secondary' }, cancelLabel);
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'dlg-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'dlg-title' }, title),
        h('div', { class: 'dialog-body' }, body),
        h(
          'div',
          { class: 'actions' },
          choices.map((choice, index) =>
            h(
              'button',
              {
                type: 'submit',
                value: choice.value,
                class: choice.danger ? 'danger' : index === 0 ? 'primary' : 'secondary',
              },
              choice.label,
            ),
          ),
          cancel,
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue || null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
