import { ApiError, errorText, get, post, upload } from '../api.js';
import { AppContext, BulletinOwner, bulletinOwner } from '../context.js';
import { keepDuplicateTitle } from '../ui/duplicate-title.js';
import { h, uid } from '../dom.js';
import { formatDurationMs, formatLufs } from '../format.js';
import { AUDIO_STATUS_LABEL, loudnessWarningText, PRIORITY_LABEL, VOICES } from '../labels.js';
import { isCurrent, currentGeneration, onLeave } from '../lifecycle.js';
import { navigate, Page, RouteMatch } from '../router.js';
import type { AudioAsset, Bulletin, BulletinPriority, Campaign, ReadingPreview } from '../types.js';
import { audioPlayer } from '../ui/audio-player.js';
import { checkGroup, field, fileField, form, input, select } from '../ui/form.js';
import { toast } from '../ui/notice.js';
import { tableHead } from '../ui/table.js';
import { markCountedTopics } from '../ui/counted-topics.js';

const POLL_MS = 1000;

/** Follows an audio asset until it is ready or failed, showing its progress. */
class AudioTracker {
  readonly element = h('div', { class: 'audio-status', 'aria-live': 'polite' });
  asset: AudioAsset | null = null;
  private timer: number | undefined;
  private readonly generation = currentGeneration();

  constructor(private readonly onReady: (asset: AudioAsset) => void) {
    onLeave(() => window.clearTimeout(this.timer));
  }

  track(asset: AudioAsset): void {
    window.clearTimeout(this.timer);
    this.show(asset);
  }

  reset(): void {
    window.clearTimeout(this.timer);
    this.asset = null;
    this.element.replaceChildren();
  }

  private show(asset: AudioAsset): void {
    if (!isCurrent(this.generation)) return;
    this.asset = asset;
    if (asset.status === 'ready') {
      this.element.replaceChildren(
        h(
          'div',
          { class: 'ready-box' },
          h('p', null, h('strong', null, 'Âm thanh đã sẵn sàng. '), 'Hãy nghe thử trước khi lưu.'),
          h(
            'p',
            { class: 'muted small' },
            `Thời lượng ${formatDurationMs(asset.durationMs)}`,
            asset.integratedLufs !== null ? ` · độ lớn ${formatLufs(asset.integratedLufs)}` : '',
          ),
          asset.loudnessWarning === 'too-quiet' &&
            asset.integratedLufs !== null &&
            asset.targetLufs !== null
            ? h(
                'p',
                { class: 'message message-error', role: 'alert' },
                loudnessWarningText(asset.integratedLufs, asset.targetLufs),
              )
            : null,
          audioPlayer(asset.id, 'Nghe thử'),
        ),
      );
      this.onReady(asset);
      return;
    }
    if (asset.status === 'failed') {
      this.element.replaceChildren(
        h(
          'p',
          { class: 'message message-error', role: 'alert' },
          'Không xử lý được âm thanh. Hãy thử tệp khác hoặc sửa văn bản.',
          asset.error ? h('span', { class: 'small' }, ` (${asset.error})`) : null,
        ),
      );
      return;
    }
    const percent = Math.max(0, Math.min(100, Math.round(asset.progress)));
    this.element.replaceChildren(
      h('p', null, `${AUDIO_STATUS_LABEL[asset.status]}… ${percent}%`),
      progressBar(percent / 100, 'Tiến độ xử lý âm thanh'),
    );
    this.timer = window.setTimeout(() => {
      get<AudioAsset>(`/audio/${asset.id}`)
        .then((next) => this.show(next))
        .catch(() => {
          // A dropped request is retried on the next tick.
          this.timer = window.setTimeout(() => this.show(asset), POLL_MS);
        });
    }, POLL_MS);
  }
}

function progressBar(fraction: number, label: string): HTMLElement {
  const bar = h('progress', { max: 100, value: Math.round(fraction * 100), 'aria-label': label });
  return h('div', { class: 'progress' }, bar);
}

/** A refused upload in words about the file itself: it is not (readable) audio. */
export function uploadRefusal(error: unknown, fileName: string): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'UNSUPPORTED_MEDIA') {
    return `Tệp “${fileName}” không phải tệp âm thanh, nên chưa được tải lên. Hãy chọn một bản ghi âm MP3, WAV, M4A, OGG hoặc FLAC.`;
  }
  if (error.code === 'AUDIO_INVALID') {
    return `Tệp “${fileName}” bị hỏng hoặc không có âm thanh nghe được, nên chưa được tải lên. Hãy ghi âm hoặc xuất lại tệp.`;
  }
  return null;
}

function uploadPanel(owner: BulletinOwner, tracker: AudioTracker): HTMLElement {
  const audioField = fileField(
    'Tệp ghi âm',
    { accept: 'audio/*,.mp3,.wav,.m4a,.ogg,.flac', name: 'file' },
    'MP3, WAV, M4A, OGG hoặc FLAC. Âm thanh sẽ được chuẩn hoá độ lớn.',
  );
  const file = audioField.input;
  const progress = h('div', { class: 'upload-progress' });
  const panel = form(
    { class: 'panel-form', 'aria-label': 'Tải tệp ghi âm' },
    [audioField.element, progress],
    'Tải lên',
    async (message) => {
      const chosen = file.files?.[0];
      if (!chosen) return message.show('Chọn một tệp ghi âm.');
      tracker.reset();
      const data = new FormData();
      data.append('file', chosen);
      const label = h('p', null, 'Đang tải lên… 0%');
      const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Tiến độ tải lên' });
      progress.replaceChildren(label, h('div', { class: 'progress' }, bar));
      let asset: AudioAsset;
      try {
        asset = await upload<AudioAsset>(`${owner.api}/audio`, data, (fraction) => {
          const percent = Math.round(fraction * 100);
          bar.value = percent;
          // The bytes are sent; whether they are audio the server says next.
          label.textContent =
            percent >= 100 ? 'Đã gửi tệp, đang kiểm tra…' : `Đang tải lên… ${percent}%`;
        });
      } catch (error) {
        progress.replaceChildren();
        return message.show(uploadRefusal(error, chosen.name) ?? errorText(error));
      }
      // The server took the file: its processing, then the ready audio, say the rest.
      progress.replaceChildren();
      tracker.track(asset);
    },
  ).form;
  // Choosing the file is the operator's intent: it uploads at once ("Tải lên" sends it again).
  file.addEventListener('change', () => {
    if (file.files?.length) panel.requestSubmit();
  });
  return panel;
}

function ttsPanel(
  owner: BulletinOwner,
  tracker: AudioTracker,
  text: HTMLTextAreaElement,
): HTMLElement {
  const name = `voice-${uid()}`;
  const voices = h(
    'fieldset',
    { class: 'check-group' },
    h('legend', null, 'Giọng đọc'),
    VOICES.map((voice, index) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'radio', name, value: voice.value, checked: index === 0 }),
        ` ${voice.label}`,
      ),
    ),
  );
  const preview = h('div', { class: 'reading-preview', 'data-testid': 'reading-preview' });
  const previewButton = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': 'preview-reading' },
    'Làm sạch và xem cách đọc',
  );
  previewButton.addEventListener('click', () => {
    if (!text.value.trim()) {
      preview.replaceChildren(h('p', { class: 'message message-error' }, NO_TEXT));
      return;
    }
    previewButton.disabled = true;
    post<ReadingPreview>('/tts/preview', { text: text.value })
      .then((result) => {
        // Joined lines and items as sentences are what will be read: the operator keeps them.
        text.value = result.cleaned;
        preview.replaceChildren(readingPreviewView(result));
      })
      .catch((error: unknown) =>
        preview.replaceChildren(h('p', { class: 'message message-error' }, errorText(error))),
      )
      .finally(() => {
        previewButton.disabled = false;
      });
  });
  const handle = form(
    { class: 'panel-form', 'aria-label': 'Tạo bản tin từ văn bản' },
    [
      field(
        'Nội dung bản tin',
        text,
        'Gõ hoặc dán văn bản tiếng Việt có dấu (dán từ công văn PDF cũng được: các dòng bị ngắt sẽ được nối lại). Số, ngày tháng, chữ viết tắt được đọc thành chữ; bấm “Làm sạch và xem cách đọc” để kiểm tra trước.',
      ),
      preview,
      voices,
    ],
    'Tạo giọng đọc',
    async (message) => {
      if (!text.value.trim()) return message.show(NO_TEXT);
      const voice = voices.querySelector<HTMLInputElement>('input:checked')?.value;
      tracker.reset();
      // Text pasted from a PDF is read as cleaned (lines joined, items as sentences), whether or
      // not the operator looked at the reading first: the voice must not pause mid-phrase.
      text.value = (await post<ReadingPreview>('/tts/preview', { text: text.value })).cleaned;
      const asset = await post<AudioAsset>(`${owner.api}/audio/tts`, {
        text: text.value.trim(),
        voice,
      });
      tracker.track(asset);
    },
    [previewButton],
  );
  // Once there is text, "enter the text" no longer holds, under the form or in the preview.
  text.addEventListener('input', () => {
    if (!text.value.trim()) return;
    if (handle.message.element.textContent === NO_TEXT) handle.message.show(null);
    if (preview.textContent === NO_TEXT) preview.replaceChildren();
  });
  return handle.form;
}

const NO_TEXT = 'Nhập nội dung cần đọc.';

/** Each number, date and abbreviation beside its reading, and the whole text as it will be read. */
function readingPreviewView(result: ReadingPreview): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('h3', null, 'Cách đọc'),
    result.readings.length === 0
      ? h(
          'p',
          { class: 'muted' },
          'Không có số, ngày tháng hay chữ viết tắt nào cần đọc thành chữ.',
        )
      : h(
          'table',
          { class: 'readings' },
          tableHead(['Viết', 'Sẽ đọc là']),
          h(
            'tbody',
            null,
            result.readings.map((reading) =>
              h(
                'tr',
                { 'data-testid': 'reading' },
                h('td', null, reading.written),
                h('td', null, reading.spoken),
              ),
            ),
          ),
        ),
    h(
      'details',
      null,
      h('summary', null, 'Toàn bộ văn bản sẽ được đọc'),
      h('p', { class: 'bulletin-body' }, result.spoken),
    ),
  );
}

/**
 * Tạo bản tin: upload a recording or synthesize a text, listen, then save it with its topics; a
 * commune's own, or (for a monitor) one of the province library, which every commune may schedule.
 * `?audio=<id>` starts from a recording already kept (a live announcement's).
 */
export async function newBulletinPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const owner = bulletinOwner(context);
  const heading = owner.library ? 'Tạo bản tin cho thư viện tỉnh' : 'Tạo bản tin';
  const title = input({ name: 'title', required: true, maxlength: 200 });
  const topics = checkGroup(
    'Chủ đề (chọn ít nhất một)',
    context.topics.map((topic) => ({ value: topic.code, label: topic.name })),
  );
  markCountedTopics(
    context,
    topics.element,
    () => topics.values(),
    await get<Campaign[]>('/campaigns'),
  );
  const priority = select(
    (Object.keys(PRIORITY_LABEL) as BulletinPriority[]).map((value) => ({
      value,
      label: PRIORITY_LABEL[value],
    })),
  );
  const ttsText = h('textarea', { name: 'text', rows: 8, maxlength: 5000 });
  const body = h('textarea', { name: 'body', rows: 4, maxlength: 20000 });
  let saveButtonState: (ready: boolean) => void = () => undefined;
  const tracker = new AudioTracker(() => {
    if (!body.value && ttsText.value) body.value = ttsText.value.trim();
    saveButtonState(true);
  });
  const panels = {
    upload: uploadPanel(owner, tracker),
    tts: ttsPanel(owner, tracker, ttsText),
  };
  const tabs = (['upload', 'tts'] as const).map((key) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${key}`,
        'aria-controls': `panel-${key}`,
        'aria-selected': key === 'upload' ? 'true' : 'false',
      },
      key === 'upload' ? 'Tải tệp ghi âm' : 'Tạo bản tin từ văn bản',
    ),
  );
  const panelWrappers = (['upload', 'tts'] as const).map((key) =>
    h(
      'div',
      {
        role: 'tabpanel',
        id: `panel-${key}`,
        'aria-labelledby': `tab-${key}`,
        hidden: key !== 'upload',
      },
      panels[key],
    ),
  );
  const select_ = (index: number): void => {
    tabs.forEach((tab, i) => {
      tab.setAttribute('aria-selected', i === index ? 'true' : 'false');
      tab.tabIndex = i === index ? 0 : -1;
      panelWrappers[i].hidden = i !== index;
    });
  };
  tabs.forEach((tab, index) => {
    tab.tabIndex = index === 0 ? 0 : -1;
    tab.addEventListener('click', () => select_(index));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      const next = (index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length;
      select_(next);
      tabs[next].focus();
    });
  });
  // "Lưu và tạo bản tin khác" keeps the page (and the chosen audio tab) for the next bulletin:
  // a week's bulletins are made one after another.
  let another = false;
  const saveAndNext = h(
    'button',
    {
      type: 'submit',
      class: 'secondary',
      onClick: () => {
        another = true;
      },
    },
    'Lưu và tạo bản tin khác',
  );
  const startNext = (): void => {
    title.value = '';
    topics.set([]);
    topics.element.dispatchEvent(new Event('change'));
    priority.selectedIndex = 0;
    body.value = '';
    ttsText.value = '';
    panels.tts.querySelector('[data-testid=reading-preview]')?.replaceChildren();
    const file = panels.upload.querySelector<HTMLInputElement>('input[type=file]');
    if (file) {
      file.value = '';
      file.dispatchEvent(new Event('change'));
    }
    panels.upload.querySelector('.upload-progress')?.replaceChildren();
    tracker.reset();
    saveButtonState(false);
    window.scrollTo(0, 0);
    const tts = !panelWrappers[1].hidden;
    (tts ? ttsText : tabs[0]).focus({ preventScroll: true });
  };
  const save = form(
    { class: 'card form-grid', 'aria-label': 'Thông tin bản tin' },
    [
      h('h2', null, '2. Thông tin bản tin'),
      field('Tiêu đề', title),
      topics.element,
      field(
        'Mức ưu tiên',
        priority,
        'Khẩn cấp: dùng cho tin phát ngay, ngắt chương trình đang phát.',
      ),
      field('Văn bản kèm theo (không bắt buộc)', body),
    ],
    'Lưu bản tin',
    async (message) => {
      const next = another;
      another = false;
      const asset = tracker.asset;
      if (!asset || asset.status !== 'ready') {
        return message.show('Cần có âm thanh đã xử lý xong trước khi lưu bản tin.');
      }
      if (!title.value.trim()) return message.show('Nhập tiêu đề bản tin.');
      if (topics.values().length === 0) return message.show('Chọn ít nhất một chủ đề.');
      if (!(await keepDuplicateTitle(owner.api, title.value))) {
        title.focus();
        return;
      }
      const created = await post<Bulletin>(`${owner.api}/bulletins`, {
        title: title.value.trim(),
        topics: topics.values(),
        audioId: asset.id,
        priority: priority.value,
        ...(body.value.trim() ? { body: body.value.trim() } : {}),
      });
      toast(`Đã lưu bản tin “${created.title}”, đang chờ duyệt.`);
      if (next) startNext();
      else navigate(owner.listPath);
    },
    [saveAndNext],
  );
  saveButtonState = (ready) => {
    for (const button of save.form.querySelectorAll('button[type=submit]')) {
      button.setAttribute('aria-disabled', ready ? 'false' : 'true');
    }
  };
  saveButtonState(false);
  const kept = match.query.get('audio');
  if (kept) {
    try {
      tracker.track(await get<AudioAsset>(`/audio/${encodeURIComponent(kept)}`));
    } catch (error) {
      tracker.element.replaceChildren(
        h(
          'p',
          { class: 'message message-error', role: 'alert' },
          `Không mở được bản ghi âm đã chọn (${errorText(error)}). Hãy tải tệp ghi âm lên.`,
        ),
      );
    }
  }
  return {
    title: heading,
    node: h(
      'div',
      { class: 'page page-new-bulletin' },
      h('h1', null, heading),
      h(
        'section',
        { class: 'card' },
        h('h2', null, '1. Âm thanh'),
        h('div', { class: 'tablist', role: 'tablist', 'aria-label': 'Nguồn âm thanh' }, tabs),
        panelWrappers,
        tracker.element,
      ),
      save.form,
    ),
  };
}
