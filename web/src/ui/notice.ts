import { errorText } from '../api.js';
import { h } from '../dom.js';

export type NoticeKind = 'success' | 'error' | 'info';

/** A short message in the corner that screen readers announce; it goes away by itself. */
export function toast(message: string, kind: NoticeKind = 'success'): void {
  const region = document.getElementById('toasts');
  if (!region) return;
  const item = h(
    'div',
    { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    message,
  );
  // A click dismisses it (it may cover what the user wants to reach).
  item.addEventListener('click', () => item.remove());
  region.append(item);
  window.setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** An inline message box; `show(null)` hides it. */
export interface MessageBox {
  element: HTMLElement;
  show(message: string | null, kind?: NoticeKind): void;
  showError(error: unknown): void;
}

export function messageBox(): MessageBox {
  const element = h('div', { class: 'message', hidden: true, role: 'alert' });
  const box: MessageBox = {
    element,
    show(message, kind = 'error') {
      element.hidden = message === null;
      element.className = `message message-${kind}`;
      element.textContent = message ?? '';
    },
    showError(error) {
      box.show(errorText(error), 'error');
    },
  };
  return box;
}

/** A placeholder while a page loads its data. */
export function loading(text = 'Đang tải…'): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function emptyState(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

/** The badge that marks sample data made by `npm run demo`. */
export function demoBadge(): HTMLElement {
  return h(
    'span',
    { class: 'badge badge-demo', title: 'Dữ liệu mẫu tạo bằng npm run demo' },
    'Mẫu',
  );
}
