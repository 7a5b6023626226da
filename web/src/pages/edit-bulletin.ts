import { ApiError, get, patch, post, upload } from '../api.js';
import { AppContext, BulletinOwner } from '../context.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { PRIORITY_LABEL } from '../labels.js';
import type { AudioAsset, Bulletin, BulletinPriority } from '../types.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { keepDuplicateTitle } from '../ui/duplicate-title.js';
import { checkGroup, field, fileField, form, input, select } from '../ui/form.js';
import { MessageBox, toast } from '../ui/notice.js';
import { uploadRefusal } from './new-bulletin.js';

/**
 * What `PATCH /bulletins/:id` and `POST …/archive` answer: the bulletin, and what the change did
 * (or, with `?dryRun=true`, would do) to its schedule.
 */
export interface BulletinChange extends Bulletin {
  returnedToDraft: boolean;
  cancelledItems: { id: string; communeCode: string; startsAt: string }[];
}

const POLL_MS = 1000;
/** Processing a new audio (upload or synthesis) gives up after this long. */
const AUDIO_WAIT_MS = 180_000;

/** Waits until a new audio is processed; throws with the reason when it fails. */
async function readyAudio(asset: AudioAsset, message: MessageBox): Promise<AudioAsset> {
  const deadline = Date.now() + AUDIO_WAIT_MS;
  let current = asset;
  while (current.status !== 'ready') {
    if (current.status === 'failed') {
      throw new Error(
        `Không xử lý được âm thanh mới${current.error ? ` (${current.error})` : ''}.`,
      );
    }
    if (Date.now() > deadline) throw new Error('Âm thanh mới xử lý quá lâu, hãy thử lại sau.');
    message.show(`Đang xử lý âm thanh mới… ${Math.round(current.progress)}%`, 'info');
    await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
    current = await get<AudioAsset>(`/audio/${current.id}`);
  }
  return current;
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((code) => b.includes(code));
}

/**
 * Why the edit needs a new approval, as the server decides it: the content changed (text, topics,
 * audio), or the bulletin is raised to emergency (it would air at once, outside every rule).
 */
function reapprovalReason(change: Record<string, unknown>): string {
  const content = ['body', 'topics', 'audioId'].some((key) => key in change);
  const emergency = change.priority === 'emergency';
  if (emergency && !content) {
    return 'Bản tin được chuyển sang mức Khẩn cấp (phát ngay, ngắt chương trình đang phát) nên sẽ quay về trạng thái chờ duyệt: người duyệt phải duyệt lại bản tin ở mức này.';
  }
  if (emergency) {
    return 'Nội dung bản tin đã duyệt thay đổi và bản tin được chuyển sang mức Khẩn cấp nên bản tin sẽ quay về trạng thái chờ duyệt.';
  }
  return 'Nội dung bản tin đã duyệt thay đổi nên bản tin sẽ quay về trạng thái chờ duyệt.';
}

/**
 * "Sửa bản tin": title, text, topics, priority, and a new audio (another recording, or the text read again
 * by the synthetic voice). When the edit sends an approved bulletin back for approval, a rehearsal
 * of the save says so, and which future plays are cancelled, before anything is written.
 * Resolves true once saved.
 */
export function editBulletinDialog(
  context: AppContext,
  owner: BulletinOwner,
  bulletin: Bulletin,
): Promise<boolean> {
  let saved = false;
  return openDialog(`Sửa bản tin “${bulletin.title}”`, (close) => {
    const title = input({ name: 'title', required: true, maxlength: 200, value: bulletin.title });
    const body = h('textarea', { name: 'body', rows: 6, maxlength: 20000 });
    body.value = bulletin.body ?? '';
    const topics = checkGroup(
      'Chủ đề (chọn ít nhất một)',
      context.topics.map((topic) => ({ value: topic.code, label: topic.name })),
      bulletin.topics,
    );
    const priority = select(
      (Object.keys(PRIORITY_LABEL) as BulletinPriority[]).map((value) => ({
        value,
        label: PRIORITY_LABEL[value],
      })),
      { value: bulletin.priority },
    );
    const audioFile = fileField(
      'Thay tệp ghi âm (không bắt buộc)',
      { accept: 'audio/*,.mp3,.wav,.m4a,.ogg,.flac', name: 'file' },
      'Chọn tệp mới nếu muốn thay âm thanh của bản tin.',
    );
    const resynthesize = h('input', { type: 'checkbox', name: 'resynthesize' });
    const resynthesizeLabel = h(
      'label',
      { class: 'check' },
      resynthesize,
      ' Đọc lại văn bản trên bằng giọng máy (tạo âm thanh mới)',
    );
    const newAudio = async (message: MessageBox): Promise<string | undefined> => {
      const chosen = audioFile.input.files?.[0];
      if (chosen) {
        const data = new FormData();
        data.append('file', chosen);
        let asset: AudioAsset;
        try {
          asset = await upload<AudioAsset>(`${owner.api}/audio`, data, () => undefined);
        } catch (error) {
          const refusal = uploadRefusal(error, chosen.name);
          if (refusal) throw new Error(refusal);
          throw error;
        }
        return (await readyAudio(asset, message)).id;
      }
      if (resynthesize.checked) {
        const asset = await post<AudioAsset>(`${owner.api}/audio/tts`, {
          text: body.value.trim(),
        });
        return (await readyAudio(asset, message)).id;
      }
      return undefined;
    };
    const handle = form(
      { class: 'form-grid', 'aria-label': 'Sửa bản tin' },
      [
        field('Tiêu đề', title),
        field('Văn bản', body, 'Văn bản đọc hoặc kèm theo bản tin.'),
        topics.element,
        field(
          'Mức ưu tiên',
          priority,
          bulletin.status === 'approved' && bulletin.priority !== 'emergency'
            ? 'Khẩn cấp: dùng cho tin phát ngay, ngắt chương trình đang phát; bản tin đã duyệt chuyển sang Khẩn cấp phải được duyệt lại.'
            : 'Khẩn cấp: dùng cho tin phát ngay, ngắt chương trình đang phát.',
        ),
        audioFile.element,
        resynthesizeLabel,
      ],
      'Lưu thay đổi',
      async (message) => {
        if (!title.value.trim()) return message.show('Nhập tiêu đề bản tin.');
        if (topics.values().length === 0) return message.show('Chọn ít nhất một chủ đề.');
        if (resynthesize.checked && !body.value.trim()) {
          return message.show('Nhập văn bản cần đọc trước khi tạo giọng đọc mới.');
        }
        const change: Record<string, unknown> = {};
        if (title.value.trim() !== bulletin.title) change.title = title.value.trim();
        if (body.value.trim() !== (bulletin.body ?? '')) change.body = body.value.trim() || null;
        if (!sameTopics(topics.values(), bulletin.topics)) change.topics = topics.values();
        if (priority.value !== bulletin.priority) change.priority = priority.value;
        if (change.title && !(await keepDuplicateTitle(owner.api, title.value, bulletin.id))) {
          title.focus();
          return;
        }
        try {
          const audioId = await newAudio(message);
          if (audioId) change.audioId = audioId;
        } catch (error) {
          if (error instanceof Error && !(error instanceof ApiError))
            return message.show(error.message);
          throw error;
        }
        if (Object.keys(change).length === 0) return message.show('Chưa có gì thay đổi.');
        const path = `/bulletins/${bulletin.id}`;
        const rehearsal = await patch<BulletinChange>(`${path}?dryRun=true`, change);
        if (rehearsal.returnedToDraft) {
          message.show(null);
          const cancelled = rehearsal.cancelledItems;
          const yes = await confirmDialog({
            title: 'Bản tin sẽ phải duyệt lại',
            body: h(
              'div',
              { 'data-testid': 'reapproval-warning' },
              h('p', null, reapprovalReason(change)),
              cancelled.length > 0
                ? [
                    h(
                      'p',
                      null,
                      h('strong', null, `${cancelled.length} lượt phát`),
                      ' sắp tới của bản tin sẽ bị huỷ; sau khi được duyệt lại, hãy xếp lịch lại:',
                    ),
                    h(
                      'ul',
                      { class: 'small' },
                      cancelled
                        .slice(0, 5)
                        .map((item) => h('li', null, formatDateTime(item.startsAt))),
                      cancelled.length > 5
                        ? h('li', null, `và ${cancelled.length - 5} lượt khác`)
                        : null,
                    ),
                  ]
                : h('p', { class: 'muted' }, 'Bản tin chưa có lượt phát nào sắp tới.'),
            ),
            confirmLabel: 'Lưu và gửi duyệt lại',
            cancelLabel: 'Quay lại',
          });
          if (!yes) return;
        }
        const done = await patch<BulletinChange>(path, change);
        saved = true;
        toast(
          done.returnedToDraft
            ? `Đã lưu bản tin, đang chờ duyệt lại${done.cancelledItems.length > 0 ? `; đã huỷ ${done.cancelledItems.length} lượt phát` : ''}.`
            : 'Đã lưu bản tin.',
        );
        close();
      },
    );
    return handle.form;
  }).then(() => saved);
}
