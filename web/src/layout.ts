import type { AppContext } from './context.js';
import { h, uid } from './dom.js';
import { ROLE_LABEL } from './labels.js';
import { href, Route } from './router.js';

export interface Shell {
  root: HTMLElement;
  main: HTMLElement;
  banner: HTMLElement;
  setActive(path: string): void;
  /**
   * How many things wait on a page of the menu (bulletins to approve), said on the phone's menu
   * button too, since a closed menu hides the page's own count: `what` names them.
   */
  showWaiting(count: number, what: string): void;
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
      name: route.nav ?? '',
      link: h('a', { href: href(route.pattern), class: 'nav-link' }, route.nav ?? ''),
    }));
  const menu = phoneMenu(links.map((entry) => entry.link));
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
    menu.bar,
    menu.nav,
    banner,
    main,
  );
  return {
    root,
    main,
    banner,
    setActive(path) {
      const exact = links.some((entry) => entry.path === path);
      menu.close();
      menu.current.textContent = '';
      for (const entry of links) {
        const active = exact ? entry.path === path : path.startsWith(`${entry.path}/`);
        entry.link.classList.toggle('active', active);
        if (active) menu.current.textContent = entry.name;
        if (active) entry.link.setAttribute('aria-current', 'page');
        else entry.link.removeAttribute('aria-current');
      }
    },
    showWaiting: (count, what) => menu.showWaiting(count, what),
  };
}

interface PhoneMenu {
  /** The phone's bar: the menu's button and the current page's name. Hidden on a wide screen. */
  bar: HTMLElement;
  /** The one list of the role's pages: a row of tabs on a wide screen, the menu on a phone. */
  nav: HTMLElement;
  current: HTMLElement;
  close(): void;
  showWaiting: Shell['showWaiting'];
}

/** The menu button's accessible name: Vietnamese, and it holds the visible word (WCAG 2.5.3). */
const MENU_NAME = 'Danh mục trang';

/**
 * The navigation on a narrow screen (the stylesheet's 720 px): 13 tabs do not fit a phone's
 * width, so the same links open as a list under a "Danh mục" button (a disclosure:
 * aria-expanded; Escape, a tap outside it and choosing a page close it). A wide screen shows
 * them as tabs whatever the state.
 */
function phoneMenu(links: readonly HTMLAnchorElement[]): PhoneMenu {
  const navId = uid('nav');
  const nav = h('nav', { class: 'tabs', id: navId, 'aria-label': 'Chức năng' }, links);
  // What waits behind a closed menu (bulletins to approve): shown on the button, which is all a
  // phone shows of the menu. The name says it; the number itself is not read twice.
  const badge = h('span', {
    class: 'count-badge',
    hidden: true,
    'aria-hidden': 'true',
    'data-testid': 'menu-badge',
  });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary small menu-button',
      'aria-label': MENU_NAME,
      'aria-expanded': 'false',
      'aria-controls': navId,
    },
    h('span', { 'aria-hidden': 'true' }, '☰ '),
    'Danh mục',
    ' ',
    badge,
  );
  const current = h('span', { class: 'nav-current', 'data-testid': 'nav-current' });
  const isOpen = (): boolean => nav.classList.contains('open');
  const onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    const inside = nav.contains(document.activeElement);
    setOpen(false);
    if (inside) button.focus();
  };
  // A tap elsewhere closes the menu and still does what it was aimed at: the capture phase sees
  // it before any handler could stop it, and nothing is prevented.
  const onOutside = (event: MouseEvent): void => {
    const target = event.target as Node | null;
    if (target && (nav.contains(target) || button.contains(target))) return;
    setOpen(false);
  };
  // The document's listeners are there only while the menu is open: a closed or discarded
  // shell (after a logout) leaves none behind.
  function setOpen(open: boolean): void {
    nav.classList.toggle('open', open);
    button.setAttribute('aria-expanded', String(open));
    if (open) {
      document.addEventListener('keydown', onKey);
      document.addEventListener('click', onOutside, true);
    } else {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onOutside, true);
    }
  }
  button.addEventListener('click', () => setOpen(!isOpen()));
  // Choosing the page already shown changes no route: the click closes the menu all the same.
  nav.addEventListener('click', (event) => {
    if ((event.target as Element).closest('a')) setOpen(false);
  });
  return {
    bar: h('div', { class: 'nav-bar' }, button, current),
    nav,
    current,
    close: () => setOpen(false),
    showWaiting: (count, what) => {
      badge.hidden = count === 0;
      badge.textContent = String(count);
      button.setAttribute('aria-label', count === 0 ? MENU_NAME : `${MENU_NAME}, ${count} ${what}`);
    },
  };
}
