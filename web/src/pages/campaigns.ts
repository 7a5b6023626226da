import { get, patch, post } from '../api.js';
import { AppContext, topicName } from '../context.js';
import { h } from '../dom.js';
import { formatDate, formatSeconds } from '../format.js';
import { navigate, Page } from '../router.js';
import type { Campaign, CampaignRule } from '../types.js';
import { openDialog } from '../ui/dialog.js';
import { field, form, input } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';

interface RuleInputs {
  topic: string;
  enabled: HTMLInputElement;
  minutes: HTMLInputElement;
  plays: HTMLInputElement;
}

function ruleRows(context: AppContext, rules: readonly CampaignRule[]): RuleInputs[] {
  return context.topics.map((topic) => {
    const rule = rules.find((item) => item.topic === topic.code);
    return {
      topic: topic.code,
      enabled: h('input', {
        type: 'checkbox',
        checked: Boolean(rule),
        'aria-label': `Áp dụng chỉ tiêu cho ${topic.name}`,
      }),
      minutes: h('input', {
        type: 'number',
        min: 0,
        step: '0.5',
        value: rule?.minSecondsPerWeek ? String(rule.minSecondsPerWeek / 60) : '',
        'aria-label': `Số phút mỗi tuần, ${topic.name}`,
      }),
      plays: h('input', {
        type: 'number',
        min: 0,
        step: '1',
        value: rule?.minPlaysPerWeek ? String(rule.minPlaysPerWeek) : '',
        'aria-label': `Số lượt phát mỗi tuần, ${topic.name}`,
      }),
    };
  });
}

function collectRules(rows: readonly RuleInputs[]): CampaignRule[] {
  return rows
    .filter((row) => row.enabled.checked)
    .map((row) => {
      const rule: CampaignRule = { topic: row.topic };
      const minutes = Number(row.minutes.value);
      const plays = Number(row.plays.value);
      if (minutes > 0) rule.minSecondsPerWeek = Math.round(minutes * 60);
      if (plays > 0) rule.minPlaysPerWeek = Math.round(plays);
      return rule;
    });
}

function campaignForm(
  context: AppContext,
  existing: Campaign | null,
  close: () => void,
  onDone: () => void,
): HTMLElement {
  const code = input({
    required: true,
    value: existing?.code ?? '',
    disabled: Boolean(existing),
    placeholder: 'vd: cds-2026',
  });
  const name = input({ required: true, value: existing?.name ?? '', maxlength: 200 });
  const startsOn = input({ type: 'date', required: true, value: existing?.startsOn ?? '' });
  const endsOn = input({ type: 'date', required: true, value: existing?.endsOn ?? '' });
  const daily = input({
    type: 'number',
    min: 0,
    step: '0.5',
    value: existing ? String(existing.minDailySeconds / 60) : '5',
  });
  const rows = ruleRows(context, existing?.rules ?? []);
  const table = h(
    'table',
    { class: 'rules-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'Chủ đề'),
        h('th', null, 'Phút/tuần'),
        h('th', null, 'Lượt/tuần'),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) =>
        h(
          'tr',
          null,
          h(
            'td',
            null,
            h('label', { class: 'check' }, row.enabled, ` ${topicName(context, row.topic)}`),
          ),
          h('td', null, row.minutes),
          h('td', null, row.plays),
        ),
      ),
    ),
  );
  return form(
    { class: 'campaign-form' },
    [
      field('Mã chiến dịch', code, 'Chữ thường không dấu nối bằng gạch ngang.'),
      field('Tên chiến dịch', name),
      h('div', { class: 'form-row' }, field('Từ ngày', startsOn), field('Đến ngày', endsOn)),
      field('Thời lượng tuyên truyền tối thiểu mỗi ngày (phút)', daily),
      h(
        'fieldset',
        null,
        h('legend', null, 'Chỉ tiêu theo chủ đề'),
        h('div', { class: 'table-wrap' }, table),
      ),
    ],
    existing ? 'Lưu thay đổi' : 'Tạo chiến dịch',
    async (message) => {
      const rules = collectRules(rows);
      if (rules.length === 0) return message.show('Chọn ít nhất một chủ đề có chỉ tiêu.');
      if (rules.some((rule) => !rule.minSecondsPerWeek && !rule.minPlaysPerWeek)) {
        return message.show('Mỗi chủ đề được chọn cần số phút hoặc số lượt phát mỗi tuần.');
      }
      const body = {
        name: name.value.trim(),
        startsOn: startsOn.value,
        endsOn: endsOn.value,
        rules,
        minDailySeconds: Math.round(Number(daily.value || 0) * 60),
      };
      if (existing) {
        await patch<Campaign>(`/campaigns/${existing.code}`, body);
        toast('Đã lưu chiến dịch.');
      } else {
        await post<Campaign>('/campaigns', { code: code.value.trim(), ...body });
        toast('Đã tạo chiến dịch.');
      }
      close();
      onDone();
    },
    [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
  ).form;
}

function ruleText(rule: CampaignRule): string {
  const parts: string[] = [];
  if (rule.minSecondsPerWeek) parts.push(`${formatSeconds(rule.minSecondsPerWeek)}/tuần`);
  if (rule.minPlaysPerWeek) parts.push(`${rule.minPlaysPerWeek} lượt/tuần`);
  return parts.join(', ');
}

/** Chiến dịch: campaigns with their date window and targets (admins and monitors edit them). */
export async function campaignsPage(context: AppContext): Promise<Page> {
  const campaigns = (await get<Campaign[]>('/campaigns')).sort((a, b) =>
    b.startsOn.localeCompare(a.startsOn),
  );
  const reload = (): void => navigate('/chien-dich');
  const edit = (campaign: Campaign | null): void =>
    void openDialog(campaign ? `Sửa chiến dịch ${campaign.code}` : 'Tạo chiến dịch', (close) =>
      campaignForm(context, campaign, close, reload),
    );
  return {
    title: 'Chiến dịch',
    node: h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Chiến dịch tuyên truyền'),
        h(
          'button',
          { type: 'button', class: 'primary', onClick: () => edit(null) },
          '+ Tạo chiến dịch',
        ),
      ),
      campaigns.length === 0
        ? emptyState('Chưa có chiến dịch nào.')
        : h(
            'div',
            { class: 'cards' },
            campaigns.map((campaign) =>
              h(
                'article',
                { class: 'card' },
                h(
                  'header',
                  { class: 'card-head' },
                  h('h2', null, campaign.name),
                  h(
                    'button',
                    { type: 'button', class: 'secondary small', onClick: () => edit(campaign) },
                    'Sửa',
                  ),
                ),
                h(
                  'p',
                  { class: 'muted' },
                  `Mã ${campaign.code} · từ ${formatDate(campaign.startsOn)} đến ${formatDate(campaign.endsOn)} · tối thiểu ${formatSeconds(campaign.minDailySeconds)} mỗi ngày`,
                ),
                campaign.description ? h('p', { class: 'small' }, campaign.description) : null,
                h(
                  'ul',
                  { class: 'rule-list' },
                  campaign.rules.map((rule) =>
                    h(
                      'li',
                      null,
                      h('strong', null, topicName(context, rule.topic)),
                      `: ${ruleText(rule)}`,
                    ),
                  ),
                ),
              ),
            ),
          ),
    ),
  };
}
