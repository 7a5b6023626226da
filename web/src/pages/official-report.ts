import { get, getBlob, patch, post } from '../api.js';
import { AppContext, hasRole } from '../context.js';
import { h } from '../dom.js';
import { Page } from '../router.js';
import type { Campaign, OfficialDraft, OfficialText } from '../types.js';
import { saveBlob } from '../ui/audio-player.js';
import { actionButton, field, form, input, select } from '../ui/form.js';
import { dateInput } from '../ui/date-input.js';
import { toast } from '../ui/notice.js';
import { statsPushSection } from './stats-push.js';

const LINE_FIELDS = [
  ['parentBody', 'Cơ quan chủ quản'],
  ['issuingBody', 'Cơ quan ban hành'],
  ['documentNumber', 'Số, ký hiệu (sau "Số:")'],
  ['place', 'Địa danh'],
  ['signerAuthority', 'Quyền hạn ký (TM., KT., …)'],
  ['signerTitle', 'Chức vụ người ký'],
  ['signerName', 'Họ tên người ký'],
] as const;

/** The scope of the report: the commune of an operator, else a province. */
function scopeOf(context: AppContext, province: HTMLSelectElement): Record<string, string> {
  if (context.user.communeCode) return { commune: context.user.communeCode };
  return { province: province.value };
}

/** Báo cáo chính thức: draft the words, then download the PDF (signed or not). */
export async function officialReportPage(context: AppContext): Promise<Page> {
  const campaigns = await get<Campaign[]>('/campaigns');
  const campaign = select(
    campaigns.map((item) => ({ value: item.code, label: item.name })),
    { required: true },
  );
  const province = select(
    context.provinces.map((item) => ({ value: item.code, label: item.name })),
    { value: context.user.provinceCode ?? '38', disabled: !hasRole(context, 'admin') },
  );
  const from = dateInput();
  const to = dateInput();
  const lines = Object.fromEntries(LINE_FIELDS.map(([key]) => [key, input({})])) as Record<
    (typeof LINE_FIELDS)[number][0],
    HTMLInputElement
  >;
  const subject = h('textarea', { rows: 2 });
  const paragraphs = h('textarea', { rows: 6 });
  const recipients = h('textarea', { rows: 4 });
  let draft: OfficialDraft | null = null;

  const show = (text: OfficialText): void => {
    for (const [key] of LINE_FIELDS) lines[key].value = text[key];
    subject.value = text.subject;
    paragraphs.value = text.paragraphs.join('\n\n');
    recipients.value = text.recipients.join('\n');
  };
  const words = (): Partial<OfficialText> => ({
    ...Object.fromEntries(LINE_FIELDS.map(([key]) => [key, lines[key].value.trim()])),
    subject: subject.value.trim(),
    paragraphs: paragraphs.value
      .split(/\n\s*\n/)
      .map((item) => item.trim())
      .filter(Boolean),
    recipients: recipients.value
      .split('\n')
      .map((item) => item.trim())
      .filter(Boolean),
  });
  const download = async (signed: boolean): Promise<void> => {
    if (!draft) throw new Error('Hãy lưu dự thảo trước khi tải báo cáo');
    const { blob, fileName } = await getBlob(
      `/reports/official?draft=${draft.id}${signed ? '&signed=true' : ''}`,
    );
    saveBlob(blob, fileName ?? 'bao-cao.pdf');
  };

  const handle = form(
    { 'aria-label': 'Dự thảo báo cáo chính thức' },
    [
      field('Chiến dịch', campaign),
      context.user.communeCode ? null : field('Tỉnh, thành phố', province),
      field('Từ ngày', from, 'Để trống: từ ngày bắt đầu chiến dịch'),
      field('Đến ngày', to, 'Để trống: đến ngày kết thúc chiến dịch'),
      LINE_FIELDS.map(([key, label]) => field(label, lines[key])),
      field('Trích yếu', subject),
      field('Nội dung mở đầu', paragraphs, 'Các đoạn cách nhau một dòng trống'),
      field('Nơi nhận', recipients, 'Mỗi nơi nhận một dòng'),
    ],
    'Lưu dự thảo',
    async () => {
      if (draft) {
        draft = await patch<OfficialDraft>(`/reports/official/drafts/${draft.id}`, words());
      } else {
        const range = {
          ...(from.value ? { from: from.value } : {}),
          ...(to.value ? { to: to.value } : {}),
        };
        // The first save takes the default words; the ones filled in replace them.
        const given = Object.fromEntries(
          Object.entries(words()).filter(([, value]) =>
            Array.isArray(value) ? value.length > 0 : value !== '',
          ),
        );
        draft = await post<OfficialDraft>('/reports/official/drafts', {
          campaign: campaign.value,
          ...scopeOf(context, province),
          ...range,
          text: given,
        });
      }
      show(draft.text);
      toast('Đã lưu dự thảo báo cáo');
    },
    [
      actionButton(
        'Tải PDF',
        () => download(false),
        (error) => handle.message.showError(error),
      ),
      // The province's certificate signs the province's reports, not a commune's own.
      context.user.communeCode
        ? null
        : actionButton(
            'Tải PDF có chữ ký số',
            () => download(true),
            (error) => handle.message.showError(error),
          ),
    ],
  );
  const push = context.user.communeCode ? null : statsPushSection(context, () => province.value);
  if (push) {
    await push.load();
    province.addEventListener('change', () => void push.load());
  }
  return {
    title: 'Báo cáo chính thức',
    node: h(
      'section',
      null,
      h('h1', null, 'Báo cáo chính thức'),
      h(
        'p',
        null,
        'Báo cáo theo thể thức Nghị định 30/2020/NĐ-CP. Chỉ sửa được phần lời; số liệu lấy từ nhật ký phát thanh khi tải báo cáo.',
      ),
      handle.form,
      push?.element,
    ),
  };
}
