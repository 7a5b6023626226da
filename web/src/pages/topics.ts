import { get, patch, post } from '../api.js';
import type { AppContext } from '../context.js';
import { h } from '../dom.js';
import { navigate, Page } from '../router.js';
import type { Topic } from '../types.js';
import { openDialog } from '../ui/dialog.js';
import { field, form, input } from '../ui/form.js';
import { toast } from '../ui/notice.js';
import { ACTIONS_COLUMN, tableHead } from '../ui/table.js';

function topicForm(existing: Topic | null, close: () => void, onDone: () => void): HTMLElement {
  const code = input({
    required: true,
    value: existing?.code ?? '',
    disabled: Boolean(existing),
    placeholder: 'vd: an-toan-thong-tin',
  });
  const name = input({ required: true, value: existing?.name ?? '', maxlength: 200 });
  const description = h('textarea', { rows: 3, maxlength: 2000 }, existing?.description ?? '');
  return form(
    {},
    [
      field('Mã chủ đề', code, 'Chữ thường không dấu nối bằng gạch ngang.'),
      field('Tên chủ đề', name),
      field('Mô tả', description),
    ],
    existing ? 'Lưu thay đổi' : 'Tạo chủ đề',
    async (message) => {
      if (!name.value.trim()) return message.show('Nhập tên chủ đề.');
      // An emptied description is sent as null, which clears it; left out, it would stay.
      const body = { name: name.value.trim(), description: description.value.trim() || null };
      if (existing) {
        await patch<Topic>(`/topics/${existing.code}`, body);
      } else {
        await post<Topic>('/topics', { code: code.value.trim(), ...body });
      }
      toast(existing ? 'Đã lưu chủ đề.' : 'Đã tạo chủ đề.');
      close();
      onDone();
    },
    [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
  ).form;
}

/** Chủ đề: the topics bulletins are tagged with (admins). */
export async function topicsPage(context: AppContext): Promise<Page> {
  const topics = await get<Topic[]>('/topics');
  // Pages read topic names from the context: keep it current after an edit.
  context.topics = topics;
  const reload = (): void => navigate('/chu-de');
  const edit = (topic: Topic | null): void =>
    void openDialog(topic ? `Sửa chủ đề ${topic.code}` : 'Tạo chủ đề', (close) =>
      topicForm(topic, close, reload),
    );
  return {
    title: 'Chủ đề',
    node: h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Chủ đề tuyên truyền'),
        h(
          'button',
          { type: 'button', class: 'primary', onClick: () => edit(null) },
          '+ Tạo chủ đề',
        ),
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          null,
          tableHead(['Mã', 'Tên chủ đề', 'Mô tả', ACTIONS_COLUMN]),
          h(
            'tbody',
            null,
            topics.map((topic) =>
              h(
                'tr',
                null,
                h('td', null, h('code', null, topic.code)),
                h('td', null, h('strong', null, topic.name)),
                h('td', { class: 'small' }, topic.description ?? ''),
                h(
                  'td',
                  null,
                  h(
                    'button',
                    { type: 'button', class: 'link-button', onClick: () => edit(topic) },
                    'Sửa',
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
