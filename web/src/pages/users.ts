import { errorText, get, patch, post } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { ROLE_LABEL } from '../labels.js';
import { navigate, Page, RouteMatch } from '../router.js';
import type { Commune, Role, User } from '../types.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { field, form, input, select } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

const ROLES: Role[] = ['operator', 'approver', 'monitor', 'admin'];

function scopeText(
  context: AppContext,
  user: User,
  communes: ReadonlyMap<string, Commune>,
): string {
  if (user.communeCode) return communes.get(user.communeCode)?.name ?? user.communeCode;
  if (user.provinceCode) {
    return context.provinces.find((p) => p.code === user.provinceCode)?.name ?? user.provinceCode;
  }
  return 'Toàn quốc';
}

const COMMUNE_PLACEHOLDER = '— Chọn xã, phường —';

/**
 * Create or edit an account: the role decides whether a province or a commune is asked for. When
 * editing, the username stays and an empty password keeps the current one.
 */
function userForm(
  context: AppContext,
  existing: User | null,
  close: () => void,
  onDone: () => void,
): HTMLElement {
  const username = input({
    required: true,
    autocomplete: 'off',
    // Upper case is lowered when sent. The dash escaped: browsers read a pattern with the `v`
    // flag, where an unescaped one made the whole pattern invalid, so never checked.
    pattern: '[A-Za-z0-9._\\-]{3,64}',
    title: 'phải dài 3–64 ký tự: chữ thường, số, “.”, “-”, “_”',
    value: existing?.username ?? '',
    disabled: Boolean(existing),
  });
  const displayName = input({ maxlength: 120, value: existing?.displayName ?? '' });
  const password = input({
    type: 'password',
    required: !existing,
    minlength: 8,
    maxlength: 256,
    // The API's rule: some character that is not white space (spaces around one are kept).
    pattern: '.*\\S.*',
    title: 'không được chỉ gồm khoảng trắng',
    autocomplete: 'new-password',
  });
  const role = select(
    ROLES.map((value) => ({ value, label: ROLE_LABEL[value] })),
    { value: existing?.role ?? 'operator' },
  );
  const province = select(
    context.provinces.map((item) => ({ value: item.code, label: item.name })),
    { value: existing?.provinceCode ?? context.province?.code ?? '38' },
  );
  // No commune is chosen for the admin: a new operator's lands where it is picked, never on the
  // first of the list. An existing user's is selected once the list has come.
  const commune = select([{ value: '', label: COMMUNE_PLACEHOLDER }]);
  const communeHint = h('small', { class: 'hint', 'aria-live': 'polite' });
  const provinceField = field('Tỉnh, thành phố', province);
  const communeField = field('Xã, phường, đặc khu', commune);
  communeField.append(communeHint);
  let communesLoading: Promise<void> | null = null;
  let communesAsked = 0;
  const loadCommunes = async (): Promise<void> => {
    const asked = ++communesAsked;
    commune.disabled = true;
    communeHint.textContent = 'Đang tải danh sách xã, phường…';
    try {
      const list = await get<Commune[]>(`/communes?province=${province.value}`);
      // A later province's list wins over an earlier one that answered late.
      if (asked !== communesAsked) return;
      const wanted = commune.value || existing?.communeCode || '';
      commune.replaceChildren(
        h('option', { value: '' }, COMMUNE_PLACEHOLDER),
        ...list.map((item) =>
          h(
            'option',
            { value: item.code, selected: item.code === wanted },
            `${item.name} (${item.code})`,
          ),
        ),
      );
      communeHint.textContent = '';
    } catch (error) {
      if (asked === communesAsked) communeHint.textContent = 'Chưa tải được danh sách xã, phường.';
      throw error;
    } finally {
      if (asked === communesAsked) {
        commune.disabled = false;
        communesLoading = null;
      }
    }
  };
  const reloadCommunes = (): void => {
    communesLoading = loadCommunes().catch(() => undefined);
  };
  const sync = (): void => {
    provinceField.hidden = role.value === 'admin';
    communeField.hidden = role.value !== 'operator' && role.value !== 'approver';
  };
  role.addEventListener('change', sync);
  province.addEventListener('change', reloadCommunes);
  sync();
  reloadCommunes();
  return form(
    {},
    [
      field(
        'Tên đăng nhập',
        username,
        existing ? undefined : 'Chữ thường không dấu, số, dấu chấm, gạch ngang; 3–64 ký tự.',
      ),
      field('Họ và tên', displayName),
      field(
        existing ? 'Mật khẩu mới' : 'Mật khẩu',
        password,
        existing
          ? 'Để trống nếu không đổi. Đổi mật khẩu sẽ đăng xuất người này.'
          : 'Ít nhất 8 ký tự.',
      ),
      field('Vai trò', role),
      provinceField,
      communeField,
    ],
    existing ? 'Lưu thay đổi' : 'Tạo người dùng',
    async (message) => {
      const body: Record<string, string | null> = { role: role.value };
      if (password.value) body.password = password.value;
      // An emptied name is sent as null, which clears it; left out, the old name would stay.
      if (displayName.value.trim() || existing) body.displayName = displayName.value.trim() || null;
      if (role.value === 'monitor') body.provinceCode = province.value;
      if (role.value === 'operator' || role.value === 'approver') {
        if (communesLoading) {
          message.show('Danh sách xã, phường đang tải, vui lòng chờ trong giây lát rồi lưu lại.');
          return;
        }
        if (!commune.value) {
          message.show('Chọn xã, phường cho tài khoản này.');
          commune.focus();
          return;
        }
        body.communeCode = commune.value;
      }
      if (existing) {
        await patch<User>(`/users/${existing.id}`, body);
        toast(`Đã lưu tài khoản ${existing.username}.`);
      } else {
        body.username = username.value.trim().toLowerCase();
        await post<User>('/users', body);
        toast(`Đã tạo tài khoản ${body.username}.`);
      }
      close();
      onDone();
    },
    [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
  ).form;
}

/** Người dùng: accounts, roles and where they work (admins). */
export async function usersPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const roleFilter = match.query.get('role') ?? '';
  const users = await get<User[]>(`/users${roleFilter ? `?role=${roleFilter}` : ''}`);
  const communeCodes = new Set(users.map((user) => user.communeCode).filter(Boolean));
  const provinces = new Set(
    users.filter((user) => user.communeCode).map((user) => user.provinceCode ?? ''),
  );
  const communes = new Map<string, Commune>();
  await Promise.all(
    [...provinces].filter(Boolean).map(async (code) => {
      for (const commune of await get<Commune[]>(`/communes?province=${code}`)) {
        if (communeCodes.has(commune.code)) communes.set(commune.code, commune);
      }
    }),
  );
  users.sort((a, b) => a.username.localeCompare(b.username));
  const reload = (): void => navigate('/nguoi-dung', { role: roleFilter || undefined });
  const toggle = (user: User): void => {
    void confirmDialog({
      title: user.disabled ? 'Mở khoá tài khoản?' : 'Khoá tài khoản?',
      body: user.disabled
        ? `${user.username} sẽ đăng nhập lại được.`
        : `${user.username} sẽ không đăng nhập được nữa; phiên đang mở bị huỷ.`,
      confirmLabel: user.disabled ? 'Mở khoá' : 'Khoá',
      danger: !user.disabled,
    }).then(async (yes) => {
      if (!yes) return;
      try {
        await patch(`/users/${user.id}`, { disabled: !user.disabled });
        toast(user.disabled ? 'Đã mở khoá tài khoản.' : 'Đã khoá tài khoản.');
        reload();
      } catch (error) {
        toast(errorText(error), 'error');
      }
    });
  };
  const filter = select(
    [
      { value: '', label: 'Mọi vai trò' },
      ...ROLES.map((value) => ({ value, label: ROLE_LABEL[value] })),
    ],
    { value: roleFilter, 'aria-label': 'Lọc theo vai trò' },
  );
  filter.addEventListener('change', () =>
    navigate('/nguoi-dung', { role: filter.value || undefined }),
  );
  return {
    title: 'Người dùng',
    node: h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Người dùng'),
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onClick: () =>
              void openDialog('Tạo người dùng', (close) => userForm(context, null, close, reload)),
          },
          '+ Tạo người dùng',
        ),
      ),
      h('div', { class: 'toolbar' }, filter),
      users.length === 0
        ? emptyState('Không có người dùng nào.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              null,
              tableHead([
                'Tên đăng nhập',
                'Họ và tên',
                'Vai trò',
                'Phạm vi',
                'Trạng thái',
                'Cập nhật',
                ACTIONS_COLUMN,
              ]),
              h(
                'tbody',
                null,
                users.map((user) =>
                  h(
                    'tr',
                    null,
                    h('td', null, h('strong', null, user.username)),
                    h('td', null, user.displayName ?? '—'),
                    h('td', null, ROLE_LABEL[user.role]),
                    h('td', null, scopeText(context, user, communes)),
                    h(
                      'td',
                      null,
                      user.disabled
                        ? h('span', { class: 'badge status-failed' }, 'Đã khoá')
                        : h('span', { class: 'badge status-aired' }, 'Hoạt động'),
                    ),
                    h('td', { class: 'nowrap' }, formatDateTime(user.updatedAt)),
                    h(
                      'td',
                      { class: 'actions-cell' },
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'link-button',
                          'aria-label': `Sửa tài khoản ${user.username}`,
                          onClick: () =>
                            void openDialog(`Sửa tài khoản ${user.username}`, (close) =>
                              userForm(context, user, close, reload),
                            ),
                        },
                        'Sửa',
                      ),
                      user.id === context.user.id
                        ? h('span', { class: 'muted small' }, ' (bạn)')
                        : h(
                            'button',
                            { type: 'button', class: 'link-button', onClick: () => toggle(user) },
                            user.disabled ? 'Mở khoá' : 'Khoá',
                          ),
                    ),
                  ),
                ),
              ),
            ),
          ),
    ),
  };
}
