import { ApiError, get, post, upload } from '../api.js';
import { AppContext, communeCode, topicName } from '../context.js';
import { h } from '../dom.js';
import { vietnameseError } from '../errors-vi.js';
import {
  addDays,
  dateRangeProblem,
  formatClock,
  formatDate,
  formatDateTime,
  formatDurationMs,
  formatNumber,
  formatSeconds,
  formatTime,
  formatTimeSeconds,
  localDateOf,
  localInstant,
  today,
} from '../format.js';
import { ITEM_STATUS_LABEL, OUTCOME_LABEL, SOURCE_LABEL } from '../labels.js';
import { navigate, Page, RouteMatch } from '../router.js';
import type {
  ChainVerdict,
  Device,
  ImportResult,
  PlayoutOutcome,
  PlayoutRecord,
  ScheduleItem,
} from '../types.js';
import { openDialog } from '../ui/dialog.js';
import { field, fileField, form, input, select } from '../ui/form.js';
import { isDemoBulletin } from '../ui/demo-banner.js';
import { demoBadge, emptyState, toast } from '../ui/notice.js';
import { dateInput, dateRangeCheck, timeInput } from '../ui/date-input.js';
import { tableHead } from '../ui/table.js';

/** Items whose outcome the automation did not record as aired: candidates for confirmation. */
const UNCONFIRMED = new Set(['planned', 'dispatched', 'missed', 'failed']);

export function chainBadge(verdict: ChainVerdict): HTMLElement {
  return verdict.ok
    ? h(
        'p',
        { class: 'chain chain-ok', 'data-testid': 'chain' },
        h('strong', null, 'Nhật ký toàn vẹn. '),
        `Đã kiểm tra chuỗi băm của ${formatNumber(verdict.count)} bản ghi: không có bản ghi nào bị sửa hay xoá.`,
      )
    : h(
        'p',
        { class: 'chain chain-broken', role: 'alert', 'data-testid': 'chain' },
        h('strong', null, 'Nhật ký đã bị can thiệp! '),
        verdict.checkpoint
          ? `Nhật ký không còn khớp với mốc kiểm chứng ký lúc ${formatDateTime(verdict.checkpoint.signedAt)} ` +
              `(bản ghi số ${verdict.checkpoint.seq}): có bản ghi đến số ${verdict.brokenAtSeq} đã bị viết lại hoặc xoá, hoặc chữ ký của mốc không hợp lệ.`
          : `Chuỗi băm bị gãy tại bản ghi số ${verdict.brokenAtSeq}: dữ liệu từ bản ghi này không còn đáng tin.`,
      );
}

/**
 * The records as a table. `afterBreak`: records the hash chain no longer vouches for (at or after
 * where it broke), marked so a reader does not take their figures as verified.
 */
export function recordsTable<R extends PlayoutRecord>(
  context: AppContext,
  records: readonly R[],
  afterBreak: (record: R) => boolean = () => false,
): HTMLElement {
  if (records.length === 0) return emptyState('Chưa có bản ghi nào trong khoảng ngày này.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'records' },
      tableHead(['Số', 'Thời gian', 'Bản tin', 'Chủ đề', 'Kết quả', 'Đã phát', 'Nguồn']),
      h(
        'tbody',
        null,
        records.map((record) =>
          h(
            'tr',
            {
              'data-testid': 'playout-record',
              class: afterBreak(record) ? 'after-break' : undefined,
            },
            h('td', { class: 'num' }, String(record.seq)),
            h(
              'td',
              { class: 'nowrap' },
              `${formatDate(localDateOf(record.startedAt))} ${formatTimeSeconds(record.startedAt)}`,
            ),
            h(
              'td',
              null,
              record.title ?? '—',
              isDemoBulletin(record.bulletinId) ? demoBadge() : null,
              record.correctsSeq
                ? h('div', { class: 'muted small' }, `Đính chính bản ghi số ${record.correctsSeq}`)
                : null,
              record.reason ? h('div', { class: 'muted small' }, `Lý do: ${record.reason}`) : null,
              afterBreak(record)
                ? h(
                    'div',
                    { class: 'after-break-note small' },
                    'Sau chỗ chuỗi băm gãy: số liệu chưa được kiểm chứng',
                  )
                : null,
            ),
            h(
              'td',
              null,
              record.topics.map((code) => h('span', { class: 'chip' }, topicName(context, code))),
            ),
            h(
              'td',
              null,
              h('span', { class: `badge status-${record.outcome}` }, OUTCOME_LABEL[record.outcome]),
            ),
            h('td', { class: 'nowrap' }, formatClock(record.playedMs)),
            h('td', null, SOURCE_LABEL[record.source]),
          ),
        ),
      ),
    ),
  );
}

/**
 * Said in the dialog of a commune with speaker clusters: their signed receipts of the item, when
 * they come (a cluster uploads when its link allows, minutes or days later), replace what the
 * operator confirms here.
 */
const RECEIPTS_REPLACE_NOTE =
  'Xã có cụm loa: khi biên nhận phát của các cụm loa nhận mục này về (cụm loa gửi khi có mạng, ' +
  'có thể sau vài phút hoặc lâu hơn), nhật ký sẽ ghi theo biên nhận, thay cho xác nhận bằng tay này.';

function confirmDialogFor(
  commune: string,
  item: ScheduleItem,
  withClusters: boolean,
  onDone: () => void,
): void {
  void openDialog('Xác nhận đã phát thủ công', (close) => {
    const outcome = select([
      { value: 'aired', label: 'Đã phát hết bản tin' },
      { value: 'partial', label: 'Chỉ phát được một phần' },
      { value: 'missed', label: 'Không phát (bị lỡ)' },
      { value: 'failed', label: 'Phát bị lỗi' },
    ]);
    const date = dateInput({ value: localDateOf(item.startsAt), required: true });
    const time = timeInput({
      value: formatTimeSeconds(item.startsAt),
      step: '1',
      required: true,
    });
    // To the second: 15 s played of a 20 s bulletin (tenths of a minute are 6 s steps).
    const durationSeconds = Math.round(item.durationMs / 1000);
    const playedSeconds = input({
      type: 'number',
      min: 0,
      max: durationSeconds,
      step: '1',
      value: String(durationSeconds),
    });
    const reason = h('textarea', { rows: 2, maxlength: 1000 });
    return form(
      {},
      [
        h(
          'p',
          null,
          h('strong', null, item.title ?? 'Bản tin'),
          ` · dự kiến ${formatDateTime(item.startsAt)}, dài ${formatDurationMs(item.durationMs)}`,
        ),
        withClusters
          ? h(
              'p',
              { class: 'message message-info', 'data-testid': 'receipts-replace' },
              RECEIPTS_REPLACE_NOTE,
            )
          : null,
        field('Kết quả', outcome),
        field('Ngày phát thực tế', date),
        field('Giờ bắt đầu thực tế', time),
        field(
          'Thời lượng đã phát (giây)',
          playedSeconds,
          `Dùng khi chỉ phát được một phần; cả bản tin dài ${formatSeconds(durationSeconds)}.`,
        ),
        field('Lý do / ghi chú', reason, 'Bắt buộc khi không phát hoặc phát lỗi.'),
      ],
      'Ghi vào nhật ký',
      async (message) => {
        const chosen = outcome.value as PlayoutOutcome;
        if ((chosen === 'missed' || chosen === 'failed') && !reason.value.trim()) {
          return message.show('Hãy ghi lý do khi bản tin không phát được.');
        }
        const startedAt = localInstant(date.value, time.value);
        const startMs = Date.parse(startedAt);
        const playedMs =
          chosen === 'partial'
            ? Math.round(Number(playedSeconds.value) * 1000)
            : chosen === 'aired'
              ? item.durationMs
              : 0;
        const body: Record<string, unknown> = {
          scheduleItemId: item.id,
          outcome: chosen,
          source: 'operator',
          ...(reason.value.trim() ? { reason: reason.value.trim() } : {}),
        };
        if (chosen !== 'missed') {
          body.startedAt = new Date(startMs).toISOString();
          body.endedAt = new Date(
            startMs + Math.max(playedMs, chosen === 'failed' ? 0 : 1),
          ).toISOString();
          body.playedMs = playedMs;
        }
        // One key per item and answer, so a double click or a retry records it once.
        await post('/communes/' + commune + '/playout-log', body, {
          'Idempotency-Key': `confirm-${item.id}-${chosen}-${startMs}`,
        });
        toast('Đã ghi vào nhật ký phát thanh.');
        close();
        onDone();
      },
      [h('button', { type: 'button', class: 'secondary', onClick: close }, 'Đóng')],
    ).form;
  });
}

function importErrors(error: unknown): HTMLElement | null {
  if (!(error instanceof ApiError)) return null;
  const body = error.body as
    | { errors?: { line?: number; code?: string; message?: string }[]; errorCount?: number }
    | undefined;
  if (!body?.errors?.length) return null;
  const shown = body.errors.slice(0, 20);
  const more = (body.errorCount ?? body.errors.length) - shown.length;
  return h(
    'ul',
    { class: 'import-errors' },
    // Each row's problem as the app says any other (the column names are the file's own).
    shown.map((row) =>
      h(
        'li',
        null,
        row.line ? `Dòng ${row.line}: ` : '',
        vietnameseError(422, row.code, row.message ?? '', row),
      ),
    ),
    more > 0 ? h('li', null, `… và ${more} dòng lỗi khác.`) : null,
  );
}

function importForm(commune: string, onDone: () => void): HTMLElement {
  const csvField = fileField(
    'Tệp CSV (UTF-8)',
    { accept: '.csv,text/csv', name: 'file' },
    'Dòng đầu là tên cột: startedAt, endedAt, playedMs, outcome, title, bulletinId, scheduleItemId, topics, reason, correctsSeq. Giờ ghi như 2025-10-06 05:30:00 hoặc 06/10/2025 05:30; giờ không ghi múi giờ được hiểu là giờ Việt Nam. Tệp có dòng sai thì không dòng nào được nhập.',
  );
  const file = csvField.input;
  const details = h('div');
  const handle = form(
    { class: 'card', 'aria-label': 'Nhập nhật ký từ tệp CSV' },
    [h('h2', null, 'Nhập nhật ký từ tệp CSV'), csvField.element, details],
    'Nhập tệp',
    async (message) => {
      details.replaceChildren();
      const chosen = file.files?.[0];
      if (!chosen) return message.show('Chọn tệp CSV cần nhập.');
      const data = new FormData();
      data.append('file', chosen);
      try {
        // Only the counts are shown: the records written would come back for nothing (a month's
        // CSV is megabytes of them).
        const result = await upload<ImportResult>(
          `/communes/${commune}/playout-log/import`,
          data,
          () => undefined,
          { Prefer: 'return=minimal' },
        );
        toast(
          `Đã nhập ${formatNumber(result.imported)} bản ghi${result.duplicates ? `, bỏ qua ${formatNumber(result.duplicates)} bản ghi trùng` : ''}.`,
        );
        onDone();
      } catch (error) {
        const list = importErrors(error);
        if (list) details.replaceChildren(list);
        throw error;
      }
    },
  );
  return handle.form;
}

/** Nhật ký phát thanh: what really went on air, its integrity, manual confirmation, CSV import. */
export async function playoutPage(context: AppContext, match: RouteMatch): Promise<Page> {
  const commune = communeCode(context);
  return playoutLogView(context, commune, match, true, '/nhat-ky');
}

export async function playoutLogView(
  context: AppContext,
  commune: string,
  match: RouteMatch,
  editable: boolean,
  path: string,
): Promise<Page> {
  const askedTo = match.query.get('to') ?? today();
  const asked = { from: match.query.get('from') ?? addDays(askedTo, -6), to: askedTo };
  // A range the API would refuse (a link so made) shows the last seven days, the asked dates
  // kept in their fields with what is wrong beside them, rather than no page at all.
  const refused = dateRangeProblem(asked.from, asked.to) !== null;
  const { from, to } = refused ? { to: today(), from: addDays(today(), -6) } : asked;
  const [records, verdict, items, devices] = await Promise.all([
    get<PlayoutRecord[]>(`/communes/${commune}/playout-log?from=${from}&to=${to}`),
    get<ChainVerdict>(`/communes/${commune}/playout-log/verify`),
    editable
      ? get<ScheduleItem[]>(`/communes/${commune}/schedule?from=${from}&to=${to}`)
      : Promise.resolve([] as ScheduleItem[]),
    editable ? get<Device[]>(`/communes/${commune}/devices`) : Promise.resolve([] as Device[]),
  ]);
  // As the service decides it: a commune with an enrolled cluster records its items from receipts.
  const withClusters = devices.some((device) => device.enrolledAt !== null);
  const reload = (): void => navigate(path, { ...Object.fromEntries(match.query), from, to });
  // An item is settled once it aired, or once a person recorded what happened to it; what only
  // the automation recorded as missed or failed may still have been aired by hand.
  const settled = new Set(
    records
      .filter(
        (record) =>
          record.outcome === 'aired' || record.source === 'operator' || record.source === 'import',
      )
      .map((record) => record.scheduleItemId),
  );
  const now = Date.now();
  const pending = items
    .filter(
      (item) =>
        UNCONFIRMED.has(item.status) && Date.parse(item.startsAt) < now && !settled.has(item.id),
    )
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const fromInput = dateInput({ value: asked.from });
  const toInput = dateInput({ value: asked.to });
  const rangeCheck = dateRangeCheck(fromInput, toInput);
  if (refused) rangeCheck.ok();
  const range = h(
    'form',
    {
      class: 'toolbar',
      onSubmit: (event: Event) => {
        event.preventDefault();
        if (!rangeCheck.check()) return;
        navigate(path, {
          ...Object.fromEntries(match.query),
          from: fromInput.value,
          to: toInput.value,
        });
      },
    },
    field('Từ ngày', fromInput),
    field('Đến ngày', toInput),
    rangeCheck.element,
    h('button', { type: 'submit', class: 'secondary' }, 'Xem'),
  );
  const airedMs = records
    .filter((record) => record.outcome === 'aired' || record.outcome === 'partial')
    .reduce((sum, record) => sum + record.playedMs, 0);
  return {
    title: 'Nhật ký phát thanh',
    node: h(
      'div',
      { class: 'page' },
      editable ? h('h1', null, 'Nhật ký phát thanh') : h('h2', null, 'Nhật ký phát thanh'),
      chainBadge(verdict),
      range,
      h(
        'p',
        { class: 'muted' },
        `${formatNumber(records.length)} bản ghi từ ${formatDate(from)} đến ${formatDate(to)}, thực phát ${formatDurationMs(airedMs)}.`,
      ),
      editable && pending.length > 0
        ? h(
            'section',
            { class: 'card' },
            h('h2', null, `Chờ xác nhận (${pending.length})`),
            h(
              'p',
              { class: 'muted small' },
              'Các mục trong lịch đã qua giờ phát nhưng nhật ký chưa ghi là đã phát. Nếu đài đã phát bằng tay, hãy xác nhận.',
            ),
            h(
              'ul',
              { class: 'item-list' },
              pending.map((item) =>
                h(
                  'li',
                  { class: 'item-row', 'data-testid': 'pending-item' },
                  h(
                    'span',
                    { class: 'time' },
                    `${formatDate(localDateOf(item.startsAt))} ${formatTime(item.startsAt)}`,
                  ),
                  h('span', { class: 'item-title' }, item.title ?? 'Bản tin'),
                  h(
                    'span',
                    { class: `badge status-${item.status}` },
                    ITEM_STATUS_LABEL[item.status],
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'small primary',
                      onClick: () => confirmDialogFor(commune, item, withClusters, reload),
                    },
                    'Xác nhận',
                  ),
                ),
              ),
            ),
          )
        : null,
      recordsTable(context, records),
      editable ? importForm(commune, reload) : null,
    ),
  };
}
