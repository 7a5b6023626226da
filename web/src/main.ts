import { errorText } from './api.js';
import { AppContext, isCommuneUser, loadContext } from './context.js';
import { h, mount } from './dom.js';
import { sessionEndText } from './errors-vi.js';
import { renderShell, Shell } from './layout.js';
import { isCurrent, leavePage } from './lifecycle.js';
import { loginPage } from './pages/login.js';
import { matchRoute, parseHash } from './router.js';
import { homePath, ROUTES } from './routes.js';
import {
  endSession,
  localDeadline,
  onSessionExpired,
  restoreSession,
  session,
  startSession,
} from './session.js';
import type { LoginResult } from './types.js';
import { showDemoBanner } from './ui/demo-banner.js';
import { openEmergency } from './ui/emergency.js';
import { attachMenuCounts, detachMenuCounts, refreshMenuCounts } from './ui/menu-counts.js';
import { loading } from './ui/notice.js';
import { stackOnPhone } from './ui/table.js';

const root = document.getElementById('app') as HTMLElement;
let context: AppContext | null = null;
let shell: Shell | null = null;

function showLogin(notice: string | null): void {
  leavePage();
  detachMenuCounts();
  context = null;
  shell = null;
  document.title = 'Đăng nhập · Loa xã';
  mount(root, loginPage(notice, signedIn));
}

async function signedIn(result: LoginResult): Promise<void> {
  startSession({
    accessToken: result.accessToken,
    expiresAt: localDeadline(result.accessToken, result.expiresAt),
    user: result.user,
  });
  await enter();
}

function logout(): void {
  endSession();
  window.location.hash = '';
  showLogin('Bạn đã đăng xuất.');
}

async function enter(): Promise<void> {
  const current = session();
  if (!current) {
    showLogin(null);
    return;
  }
  const loaded = await loadContext(current);
  const built = renderShell(loaded, ROUTES, {
    logout,
    emergency: isCommuneUser(loaded) ? () => void openEmergency(loaded) : null,
  });
  // Which bulletins are sample data is known before any page renders (they are marked “Mẫu”).
  // The shell goes up after that, and the page with it: a link followed while the shell is up
  // renders after this first page, and no later render of this one replaces it.
  await showDemoBanner(loaded, built.banner);
  // Signed out or expired meanwhile: the login page that replaced this start stays.
  if (session() !== current) return;
  context = loaded;
  shell = built;
  mount(root, shell.root);
  attachMenuCounts(loaded, shell);
  await renderRoute();
}

async function renderRoute(): Promise<void> {
  if (!context || !shell) return;
  const { path, query } = parseHash(window.location.hash);
  const found = matchRoute(ROUTES, path);
  if (!found) {
    window.location.replace(`#${homePath(context)}`);
    return;
  }
  shell.setActive(found.route.pattern);
  void refreshMenuCounts();
  const generation = leavePage();
  const main = shell.main;
  if (!found.route.roles.includes(context.user.role)) {
    document.title = 'Không có quyền · Loa xã';
    mount(
      main,
      h('h1', { tabindex: '-1' }, 'Không có quyền truy cập'),
      h('p', null, 'Trang này không dành cho vai trò của tài khoản bạn đang dùng.'),
    );
    return;
  }
  mount(main, loading());
  try {
    const page = await found.route.render(context, { params: found.params, query });
    if (!isCurrent(generation) || !shell) return;
    document.title = `${page.title} · Loa xã`;
    mount(main, page.node);
    // Lists read as cards on a phone; the commune × topic grid stays a grid (it scrolls).
    main.querySelectorAll<HTMLTableElement>('table:not(.compliance-grid)').forEach(stackOnPhone);
  } catch (error) {
    if (!isCurrent(generation) || !context) return;
    document.title = 'Lỗi · Loa xã';
    mount(
      main,
      h('h1', { tabindex: '-1' }, 'Không tải được trang'),
      h('p', { class: 'message message-error', role: 'alert' }, errorText(error)),
    );
  }
  // Keyboard and screen-reader users start reading at the new page's heading.
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

onSessionExpired((reason) => showLogin(sessionEndText(reason)));
window.addEventListener('hashchange', () => void renderRoute());

if (restoreSession()) {
  enter().catch((error: unknown) => {
    if (session()) showLogin(errorText(error));
  });
} else {
  showLogin(null);
}
