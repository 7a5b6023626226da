import type { AppContext } from './context.js';
import { h } from './dom.js';
import { ROLE_LABEL } from './labels.js';
import { href, Route } from './router.js';

export interface Shell {
  root: HTMLElement;
  main: HTMLElement;
  banner: HTMLElement;
  setActive(path: string): void;
}

function placeName(context: AppContext): string {
  if (context.commune) {
    return context.province
      ? `${context.commune.name} · ${context.province.name}`
      : context.commune.name;
  }
  if (context.province) return context.province.fullName;
  return 'Toàn quốc';
}

/** Header (who, where, emergency button, logout), navigation and the page area. */
export function renderShell(
  context: AppContext,
  routes: readonly Route[],
  actions: { logout: () => void; emergency: (() => void) | null },
): Shell {
  const links = routes
    .filter((route) => route.nav && route.roles.includes(context.user.role))
    .map((route) => ({
      path: route.pattern,
      link: h('a', { href: href(route.pattern), class: 'nav-link' }, route.nav ?? ''),
    }));
  const main = h('main', { id: 'main', tabindex: '-1' });
  const banner = h('div', { class: 'banner-slot' });
  const who = context.user.displayName ?? context.user.username;
  const root = h(
    'div',
    { class: 'shell' },
    h('a', { href: '#main', class: 'skip-link' }, 'Bỏ qua, đến nội dung chính'),
    h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'brand' },
        h('img', { class: 'logo', src: '/assets/icon.svg', alt: '', width: 32, height: 32 }),
        h(
          'div',
          null,
          h('strong', null, 'Loa xã'),
          h('span', { class: 'place', 'data-testid': 'place' }, placeName(context)),
        ),
      ),
      actions.emergency
        ? h(
            'button',
            { type: 'button', class: 'emergency-button', onClick: actions.emergency },
            'Phát khẩn cấp',
          )
        : null,
      h(
        'div',
        { class: 'account' },
        h(
          'span',
          { class: 'who' },
          h('strong', null, who),
          h('span', { class: 'role' }, ROLE_LABEL[context.user.role]),
        ),
        h(
          'button',
          { type: 'button', class: 'secondary small', onClick: actions.logout },
          'Đăng xuất',
        ),
      ),
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Chức năng' },
      links.map((entry) => entry.link),
    ),
    banner,
    main,
  );
  return {
    root,
    main,
    banner,
    setActive(path) {
      const exact = links.some((entry) => entry.path === path);
      for (const entry of links) {
        const active = exact ? entry.path === path : path.startsWith(`${entry.path}/`);
        entry.link.classList.toggle('active', active);
        // On a narrow screen the bar scrolls: keep the current tab in sight.
        if (active) entry.link.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
        if (active) entry.link.setAttribute('aria-current', 'page');
        else entry.link.removeAttribute('aria-current');
      }
    },
  };
}
