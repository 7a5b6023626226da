import { del, errorText, get, post } from '../api.js';
import { AppContext } from '../context.js';
import { h } from '../dom.js';
import { navigate, Page } from '../router.js';
import { formatDurationMs } from '../format.js';
import { sourceCheckText } from '../labels.js';
import type { Bulletin, SourceCheck, StreamSource } from '../types.js';
import { confirmDialog } from '../ui/dialog.js';
import { actionButton, field, form, input, select } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

/** The province whose sources the page shows: the monitor's, or the first for an admin. */
function provinceOf(context: AppContext): string {
  return context.province?.code ?? context.provinces[0]?.code ?? '';
}

function sourceRow(
  source: StreamSource,
  province: string,
  library: readonly Bulletin[],
  onDelete: (source: StreamSource) => void,
): HTMLElement {
  const fallback = library.find((bulletin) => bulletin.id === source.fallbackBulletinId);
  const result = h('div', { class: 'muted', 'aria-live': 'polite' });
  const check = actionButton(
    'Kiểm tra',
    async () => {
      result.textContent = 'Đang kiểm tra (khoảng 10–20 giây)…';
      const answer = await post<{ urls: SourceCheck[] }>(
        `/provinces/${province}/sources/${source.id}/check`,
      );
      result.replaceChildren(
        ...answer.urls.map((one, index) =>
          h('div', null, `${index === 0 ? 'Chính' : `Dự phòng ${index}`}: ${sourceCheckText(one)}`),
        ),
      );
    },
    (error) => (result.textContent = errorText(error)),
    { class: 'link-button', 'aria-label': `Kiểm tra nguồn ${source.name}` },
  );
  return h(
    'tr',
    null,
    h('td', null, source.name),
    h(
      'td',
      null,
      source.urls.map((url, index) =>
        h('div', null, h('span', { class: 'muted' }, index === 0 ? 'Chính: ' : 'Dự phòng: '), url),
      ),
      result,
    ),
    h(
      'td',
      null,
      fallback
        ? `Phát bản tin “${fallback.title}”`
        : source.fallbackBulletinId
          ? 'Phát bản tin thay thế'
          : 'Im lặng',
    ),
    h(
      'td',
      null,
      check,
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'link-button danger-text',
          onClick: () => onDelete(source),
          'aria-label': `Xoá nguồn ${source.name}`,
        },
        'Xoá',
      ),
    ),
  );
}

/** Nguồn tiếp âm: the streams (VOV, the provincial station) the province's communes relay. */
export async function sourcesPage(context: AppContext): Promise<Page> {
  const province = provinceOf(context);
  const [sources, library] = await Promise.all([
    get<StreamSource[]>(`/provinces/${province}/sources`),
    get<Bulletin[]>(`/provinces/${province}/bulletins`),
  ]);
  const reload = (): void => navigate('/nguon-tiep-am');
  const onDelete = (source: StreamSource): void => {
    void confirmDialog({
      title: 'Xoá nguồn tiếp âm?',
      body: `Nguồn “${source.name}” sẽ bị xoá. Không xoá được khi lịch phát sắp tới còn tiếp âm nguồn này.`,
      confirmLabel: 'Xoá nguồn',
      cancelLabel: 'Giữ lại',
      danger: true,
    }).then(async (yes) => {
      if (!yes) return;
      try {
        await del(`/provinces/${province}/sources/${source.id}`);
        toast('Đã xoá nguồn tiếp âm.');
        reload();
      } catch (error) {
        toast(errorText(error), 'error');
      }
    });
  };
  const name = input({ name: 'name', required: true, maxlength: 200, placeholder: 'Ví dụ: VOV1' });
  const primary = input({
    name: 'primary',
    type: 'url',
    required: true,
    placeholder: 'https://…',
  });
  const backups = h('textarea', { name: 'backups', rows: 2, placeholder: 'Mỗi dòng một địa chỉ' });
  const fallback = select(
    [
      { value: '', label: 'Không có: phát im lặng' },
      ...library
        .filter((bulletin) => bulletin.status === 'approved')
        .map((bulletin) => ({
          value: bulletin.id,
          label: `${bulletin.title} (${formatDurationMs(bulletin.durationMs)})`,
        })),
    ],
    { name: 'fallbackBulletinId' },
  );
  const create = form(
    { class: 'card form-grid', 'aria-label': 'Thêm nguồn tiếp âm' },
    [
      h('h2', null, 'Thêm nguồn tiếp âm'),
      field('Tên nguồn', name),
      field('Địa chỉ luồng chính', primary, 'Luồng HTTP/Icecast hoặc HLS (http hoặc https).'),
      field('Địa chỉ dự phòng', backups, 'Dùng lần lượt khi luồng chính hỏng.'),
      field(
        'Bản tin thay thế',
        fallback,
        'Bản tin đã duyệt của thư viện tỉnh (trang “Thư viện bản tin”), phát khi mọi luồng đều hỏng.',
      ),
    ],
    'Thêm nguồn',
    async (message) => {
      if (!name.value.trim()) return message.show('Nhập tên nguồn.');
      if (!primary.value.trim()) return message.show('Nhập địa chỉ luồng chính.');
      const urls = [
        primary.value.trim(),
        ...backups.value
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      ];
      await post(`/provinces/${province}/sources`, {
        name: name.value.trim(),
        urls,
        ...(fallback.value ? { fallbackBulletinId: fallback.value } : {}),
      });
      toast('Đã thêm nguồn tiếp âm.');
      reload();
    },
  );
  const table =
    sources.length === 0
      ? emptyState('Chưa có nguồn tiếp âm nào.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            tableHead(['Tên nguồn', 'Địa chỉ luồng', 'Khi mọi luồng hỏng', ACTIONS_COLUMN]),
            h(
              'tbody',
              null,
              sources.map((source) => sourceRow(source, province, library, onDelete)),
            ),
          ),
        );
  return {
    title: 'Nguồn tiếp âm',
    node: h(
      'div',
      { class: 'page' },
      h('h1', null, 'Nguồn tiếp âm'),
      h(
        'p',
        { class: 'muted' },
        'Các luồng phát thanh (VOV, đài tỉnh) mà các xã trong tỉnh được tiếp âm. Khi luồng chính hỏng hoặc im lặng, hệ thống chuyển sang luồng dự phòng, rồi bản tin thay thế.',
      ),
      table,
      create.form,
    ),
  };
}
