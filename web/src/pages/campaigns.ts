import { get, patch, post } from '../api.js';
import { AppContext, hasRole, topicName } from '../context.js';
import { h } from '../dom.js';
import { formatDate, formatSeconds } from '../format.js';
import { navigate, Page } from '../router.js';
import type { Campaign, CampaignRule } from '../types.js';
import { openDialog } from '../ui/dialog.js';
import { field, form, input, select } from '../ui/form.js';
import { emptyState, toast } from '../ui/notice.js';
import { CAMPAIGN_STATUS_LABEL } from '../labels.js';
import { dateInput } from '../ui/date-input.js';
import { tableHead } from '../ui/table.js';

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

/** Who may change a campaign: admins every one, a monitor those of their province. */
export function canEditCampaign(context: AppContext, campaign: Campaign): boolean {
  if (hasRole(context, 'admin')) return true;
  return (
    hasRole(context, 'monitor') &&
    campaign.provinceCode !== null &&
    campaign.provinceCode === context.user.provinceCode
  );
}

/** "Toàn quốc", or the province's name. */
export function campaignScope(context: AppContext, campaign: Campaign): string {
  if (campaign.provinceCode === null) return 'Toàn quốc';
  const province = context.provinces.find((item) => item.code === campaign.provinceCode);
  return province?.name ?? `Tỉnh ${campaign.provinceCode}`;
}

/** Where a new campaign applies: an admin chooses; a monitor's is their province's. */
function scopeField(context: AppContext): { element: HTMLElement; value(): string | null } {
  if (hasRole(context, 'admin')) {
    const scope = select([
      { value: '', label: 'Toàn quốc (mọi tỉnh, thành phố)' },
      ...context.provinces.map((province) => ({ value: province.code, label: province.name })),
    ]);
    return {
      element: field('Phạm vi áp dụng', scope, 'Chiến dịch toàn quốc chỉ quản trị viên sửa được.'),
      value: () => scope.value || null,
    };
  }
  return {
    element: h(
      'p',
      { class: 'small' },
      `Phạm vi áp dụng: ${context.province?.name ?? 'tỉnh của bạn'}. Chiến dịch do giám sát viên của tỉnh tạo và sửa.`,
    ),
    value: () => context.user.provinceCode,
  };
}

/**
 * The form to create a campaign (blank, or a copy of `template`) or to edit `existing`.
 */
function campaignForm(
  context: AppContext,
  existing: Campaign | null,
  close: () => void,
  onDone: () => void,
  template: Campaign | null = null,
): HTMLElement {
  const source = existing ?? template;
  const code = input({
    required: true,
    value: existing?.code ?? '',
    disabled: Boolean(existing),
    placeholder: template ? `vd: ${template.code}-tinh` : 'vd: cds-2026',
  });
  const name = input({ required: true, value: source?.name ?? '', maxlength: 200 });
  const startsOn = dateInput({ required: true, value: source?.startsOn ?? '' });
  const endsOn = dateInput({ required: true, value: source?.endsOn ?? '' });
  const daily = input({
    type: 'number',
    min: 0,
    step: '0.5',
    value: source ? String(source.minDailySeconds / 60) : '5',
  });
  const scope = existing ? null : scopeField(context);
  const rows = ruleRows(context, source?.rules ?? []);
  const table = h(
    'table',
    { class: 'rules-table' },
    tableHead(['Chủ đề', 'Phút/tuần', 'Lượt/tuần']),
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
      field(
        'Mã chiến dịch',
        code,
        'Chữ thường không dấu nối bằng gạch ngang; mã không trùng với chiến dịch nào, kể cả của tỉnh khác.',
      ),
      field('Tên chiến dịch', name),
      scope?.element ?? null,
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
        await post<Campaign>('/campaigns', {
          code: code.value.trim(),
          provinceCode: scope?.value() ?? null,
          ...body,
        });
        toast('Đã tạo chiến dịch.');
      }
      close();
      onDone();
    },
    [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
  ).form;
}

/** "Đang diễn ra", "Sắp diễn ra" or "Đã kết thúc", as a badge. */
export function campaignStatusBadge(campaign: Campaign): HTMLElement {
  return h(
    'span',
    { class: `badge campaign-${campaign.status}`, 'data-testid': 'campaign-status' },
    CAMPAIGN_STATUS_LABEL[campaign.status],
  );
}

/** Running first, then upcoming (soonest first), then ended (latest first). */
export function byStatus(a: Campaign, b: Campaign): number {
  const rank = { running: 0, upcoming: 1, ended: 2 } as const;
  if (a.status !== b.status) return rank[a.status] - rank[b.status];
  return a.status === 'upcoming'
    ? a.startsOn.localeCompare(b.startsOn)
    : b.startsOn.localeCompare(a.startsOn);
}

function ruleText(rule: CampaignRule): string {
  const parts: string[] = [];
  if (rule.minSecondsPerWeek) parts.push(`${formatSeconds(rule.minSecondsPerWeek, 'up')}/tuần`);
  if (rule.minPlaysPerWeek) parts.push(`${rule.minPlaysPerWeek} lượt/tuần`);
  return parts.join(', ');
}

/**
 * Chiến dịch: campaigns with their date window and targets. National ones are the admins' to
 * edit; a monitor edits the province's own and may copy a national one as a start.
 */
export async function campaignsPage(context: AppContext): Promise<Page> {
  const campaigns = (await get<Campaign[]>('/campaigns')).sort(byStatus);
  const reload = (): void => navigate('/chien-dich');
  const edit = (campaign: Campaign | null): void =>
    void openDialog(campaign ? `Sửa chiến dịch ${campaign.code}` : 'Tạo chiến dịch', (close) =>
      campaignForm(context, campaign, close, reload),
    );
  const copy = (campaign: Campaign): void =>
    void openDialog(`Tạo chiến dịch của tỉnh từ ${campaign.code}`, (close) =>
      campaignForm(context, null, close, reload, campaign),
    );
  const actions = (campaign: Campaign): HTMLElement | null => {
    if (canEditCampaign(context, campaign)) {
      return h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          'aria-label': `Sửa chiến dịch ${campaign.code}`,
          onClick: () => edit(campaign),
        },
        'Sửa',
      );
    }
    if (hasRole(context, 'monitor') && campaign.provinceCode === null) {
      return h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          title:
            'Chiến dịch toàn quốc chỉ quản trị viên sửa được; bạn có thể sao chép thành chiến dịch riêng của tỉnh.',
          onClick: () => copy(campaign),
        },
        'Sao chép cho tỉnh',
      );
    }
    return null;
  };
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
                  actions(campaign),
                ),
                h(
                  'p',
                  { class: 'muted' },
                  campaignStatusBadge(campaign),
                  h(
                    'span',
                    { class: campaign.provinceCode === null ? 'badge badge-national' : 'badge' },
                    campaignScope(context, campaign),
                  ),
                  ` Mã ${campaign.code} · từ ${formatDate(campaign.startsOn)} đến ${formatDate(campaign.endsOn)} · tối thiểu ${formatSeconds(campaign.minDailySeconds, 'up')} mỗi ngày`,
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
