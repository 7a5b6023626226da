import { get, getBlob, patch, post } from '../api.js';
import { AppContext, hasRole } from '../context.js';
import { formatDateTime } from '../format.js';
import { h } from '../dom.js';
import { Page } from '../router.js';
import type { Campaign, OfficialDraft, OfficialText } from '../types.js';
import { saveBlob } from '../ui/audio-player.js';
import { actionButton, constraintText, field, form, input, select } from '../ui/form.js';
import { dateInput, dateRangeCheck } from '../ui/date-input.js';
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
  const range = dateRangeCheck(from, to);
  const lines = Object.fromEntries(LINE_FIELDS.map(([key]) => [key, input({})])) as Record<
    (typeof LINE_FIELDS)[number][0],
    HTMLInputElement
  >;
  const subject = h('textarea', { rows: 2 });
  const paragraphs = h('textarea', { rows: 6 });
  const recipients = h('textarea', { rows: 4 });
  const state = h('p', { class: 'muted', 'data-testid': 'official-draft-state' });
  // The report whose words the fields show (campaign, scope, range as the API's query names
  // them) and its draft once saved; `edited` while they hold words not saved yet.
  let shown: { report: Record<string, string>; draft: OfficialDraft | null } | null = null;
  let edited = false;
  for (const element of [...Object.values(lines), subject, paragraphs, recipients]) {
    element.addEventListener('input', () => {
      edited = true;
    });
  }

  const show = (text: OfficialText): void => {
    for (const [key] of LINE_FIELDS) lines[key].value = text[key];
    subject.value = text.subject;
    paragraphs.value = text.paragraphs.join('\n\n');
    recipients.value = text.recipients.join('\n');
  };
  const words = (): OfficialText => ({
    // The number keeps its leading blank: the room where the clerk writes the number by hand.
    ...(Object.fromEntries(
      LINE_FIELDS.map(([key]) => {
        const value = lines[key].value;
        return [key, key === 'documentNumber' ? value.trimEnd() : value.trim()];
      }),
    ) as Pick<OfficialText, (typeof LINE_FIELDS)[number][0]>),
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
  /** The report the fields above choose. */
  const chosen = (): Record<string, string> => ({
    campaign: campaign.value,
    ...scopeOf(context, province),
    ...(from.value ? { from: from.value } : {}),
    ...(to.value ? { to: to.value } : {}),
  });
  const showDraft = (report: Record<string, string>, draft: OfficialDraft): OfficialDraft => {
    shown = { report, draft };
    edited = false;
    show(draft.text);
    state.textContent = `Dự thảo đã lưu lúc ${formatDateTime(draft.updatedAt)}.`;
    return draft;
  };
  /** Saves the words shown into their report's draft (made the first time). */
  const save = async (): Promise<OfficialDraft> => {
    if (!shown) throw new Error('Hãy chọn chiến dịch của báo cáo');
    const { report, draft } = shown;
    // Saving now: a change of report meanwhile does not save them a second time.
    edited = false;
    try {
      return showDraft(
        report,
        draft
          ? await patch<OfficialDraft>(`/reports/official/drafts/${draft.id}`, words())
          : await post<OfficialDraft>('/reports/official/drafts', { ...report, text: words() }),
      );
    } catch (error) {
      edited = true;
      throw error;
    }
  };
  // The words of the report chosen: its last saved draft's, else the words it starts with (the
  // signer and recipients of the last draft among them). Words typed for the report shown
  // before are saved into its draft first, so that changing the dates loses nothing.
  let loads = 0;
  const queryOf = (report: Record<string, string>): string =>
    new URLSearchParams(report).toString();
  const load = async (): Promise<void> => {
    const report = chosen();
    const query = queryOf(report);
    // The same report chosen again (a field left as it was) keeps what is being typed.
    if (shown && queryOf(shown.report) === query) return;
    const ticket = ++loads;
    if (shown && edited) {
      await save();
      toast('Đã lưu lời đang soạn vào dự thảo của báo cáo trước');
    }
    const [saved] = await get<OfficialDraft[]>(`/reports/official/drafts?${query}`);
    const starting = saved ? null : await get<OfficialText>(`/reports/official/text?${query}`);
    if (ticket !== loads) return; // another choice was made meanwhile
    if (saved) {
      showDraft(report, saved);
    } else if (starting) {
      shown = { report, draft: null };
      edited = false;
      show(starting);
      state.textContent =
        'Báo cáo này chưa có dự thảo: lời dưới đây là lời mặc định, người ký và nơi nhận như ở dự thảo gần nhất (nếu có).';
    }
  };
  /**
   * Saves the words shown when they are the words of the report the fields choose; else says
   * why not and gives null. After a refused range or a load that failed, the words shown are
   * still the report before's: saving them (or downloading it) would not be what was asked.
   */
  const saveChosen = async (): Promise<OfficialDraft | null> => {
    const dateProblem = constraintText(from) ?? constraintText(to);
    if (dateProblem) {
      handle.message.show(dateProblem);
      return null;
    }
    if (!range.check()) return null;
    if (shown && queryOf(shown.report) !== queryOf(chosen())) {
      handle.message.show(
        'Lời đang hiện là của báo cáo trước, chưa phải của chiến dịch và khoảng ngày đã chọn: chưa lưu, chưa tải. Hãy chọn lại để tải lời của báo cáo này.',
      );
      return null;
    }
    return save();
  };
  // The PDF of what the page shows: its words saved first, then the report rendered from them.
  const download = async (signed: boolean): Promise<void> => {
    handle.message.show(null);
    const draft = await saveChosen();
    if (!draft) return;
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
      range.element,
      state,
      LINE_FIELDS.map(([key, label]) => field(label, lines[key])),
      field('Trích yếu', subject),
      field('Nội dung mở đầu', paragraphs, 'Các đoạn cách nhau một dòng trống'),
      field('Nơi nhận', recipients, 'Mỗi nơi nhận một dòng'),
    ],
    'Lưu dự thảo',
    async () => {
      if (await saveChosen()) toast('Đã lưu dự thảo báo cáo');
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
  const reload = (): void => {
    handle.message.show(null);
    // A date typed amiss, or a range the API would refuse, waits for its correction (said
    // beside the dates): nothing is saved or loaded meanwhile.
    if (from.validity.customError || to.validity.customError || !range.ok()) return;
    load().catch((error: unknown) => handle.message.showError(error));
  };
  for (const chooser of [campaign, province, from, to]) {
    chooser.addEventListener('change', reload);
  }
  if (campaigns.length > 0) {
    await load().catch((error: unknown) => handle.message.showError(error));
  } else {
    state.textContent = 'Chưa có chiến dịch nào để báo cáo.';
  }
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
        'Báo cáo theo thể thức Nghị định 30/2020/NĐ-CP. Chỉ sửa được phần lời; số liệu lấy từ nhật ký phát thanh khi tải báo cáo. Tải PDF lưu lời đang soạn vào dự thảo của báo cáo rồi tải.',
      ),
      handle.form,
      push?.element,
    ),
  };
}
