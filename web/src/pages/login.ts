import { post } from '../api.js';
import { h } from '../dom.js';
import type { LoginResult } from '../types.js';
import { field, form, input } from '../ui/form.js';

/** Đăng nhập. `notice` explains why the user is here (session expired, signed out). */
export function loginPage(
  notice: string | null,
  onSignedIn: (result: LoginResult) => Promise<void>,
): HTMLElement {
  const username = input({
    name: 'username',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: 'false',
  });
  const password = input({
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const handle = form(
    { class: 'login-form', 'aria-labelledby': 'login-title' },
    [field('Tên đăng nhập', username), field('Mật khẩu', password)],
    'Đăng nhập',
    async (message) => {
      if (!username.value.trim() || !password.value) {
        message.show('Vui lòng nhập tên đăng nhập và mật khẩu.');
        return;
      }
      const result = await post<LoginResult>('/auth/login', {
        username: username.value.trim(),
        password: password.value,
      });
      await onSignedIn(result);
    },
  );
  if (notice) handle.message.show(notice, 'info');
  window.setTimeout(() => username.focus(), 0);
  return h(
    'div',
    { class: 'login-page' },
    h(
      'section',
      { class: 'login-card' },
      h(
        'div',
        { class: 'login-brand' },
        h('img', { class: 'logo', src: '/assets/icon.svg', alt: '', width: 32, height: 32 }),
        h('h1', { id: 'login-title' }, 'Loa xã'),
      ),
      h(
        'p',
        { class: 'lead' },
        'Lập lịch, phát và kiểm tra nhật ký bản tin trên đài truyền thanh cơ sở.',
      ),
      handle.form,
    ),
  );
}
