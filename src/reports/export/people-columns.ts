import { minutesAgainst, tenthsOfMinute } from '../../common/minutes';
import {
  CellKind,
  CellValue,
  labelledColumns,
  ReportDocument,
  ReportTable,
  TableColumn,
} from './report-table';

/**
 * Exports for people (the default of CSV and XLSX): Vietnamese headers, topic names instead of
 * codes, "Đạt"/"Chưa đạt" instead of true/false, minutes with one decimal instead of seconds,
 * codes kept as text. `?columns=raw` keeps the JSON field names and values (`asRaw`).
 */
type Conversion =
  /** As it is (counts, names, dates). */
  | 'same'
  /** A code with leading zeros (`00004`): text in every spreadsheet. */
  | 'code'
  /** Seconds to minutes, one decimal, to the nearest. */
  | 'minutes'
  /** A target or what is missing, in minutes rounded up: it never reads as less than it is. */
  | 'minutesUp'
  /**
   * Aired seconds beside the row's target (`requiredSeconds`), in minutes as `minutesAgainst`
   * gives them: short of it never reads as reaching it; to the nearest in a row without one.
   */
  | 'airedMinutes'
  /** A day's campaign airtime in minutes: rounded down on a day below the minimum (`belowMinimum`). */
  | 'campaignMinutes'
  /** A topic code to the topic's name. */
  | 'topic'
  /** Space-separated topic codes to their names. */
  | 'topics'
  /** true → Đạt, false → Chưa đạt. */
  | 'met'
  /** true (below the minimum) → Chưa đạt, false → Đạt. */
  | 'notMet'
  /** The hash chain: true → Toàn vẹn, false → Bị can thiệp (the words of the web app and the official report). */
  | 'chain'
  /** A commune's campaign status code to its words. */
  | 'campaignStatus';

const COLUMNS: Record<string, [string, Conversion]> = {
  communeCode: ['Mã xã', 'code'],
  communeName: ['Tên xã', 'same'],
  topic: ['Chủ đề', 'topic'],
  airedSeconds: ['Đã phát (phút)', 'airedMinutes'],
  plays: ['Số lượt phát', 'same'],
  requiredSeconds: ['Yêu cầu (phút)', 'minutesUp'],
  requiredPlays: ['Số lượt yêu cầu', 'same'],
  met: ['Kết quả', 'met'],
  metAll: ['Đạt mọi chỉ tiêu', 'met'],
  topicsMet: ['Số chủ đề đạt', 'same'],
  topicsRequired: ['Số chủ đề yêu cầu', 'same'],
  campaignSeconds: ['Thời lượng chiến dịch (phút)', 'campaignMinutes'],
  minDailySeconds: ['Tối thiểu mỗi ngày (phút)', 'minutesUp'],
  daysBelowMinimum: ['Số ngày dưới mức tối thiểu', 'same'],
  campaignStatus: ['Tình trạng chiến dịch', 'campaignStatus'],
  campaignThrough: ['Tính đến ngày', 'same'],
  chainOk: ['Chuỗi nhật ký', 'chain'],
  chainCount: ['Số bản ghi đã kiểm chứng khớp chuỗi', 'same'],
  chainBrokenAtSeq: ['Hỏng từ bản ghi số', 'same'],
  chainCheckedAt: ['Kiểm tra chuỗi lúc', 'same'],
  chainUncheckedRecords: ['Bản ghi chưa kiểm tra', 'same'],
  // Deliveries (one per item and cluster), not clusters: a commune of 3 clusters sent 3 items
  // counts 9. Worded as the official PDF's table (Lượt gửi đến cụm loa, Lượt phát đủ).
  coverageTargeted: ['Lượt gửi đến cụm loa', 'same'],
  coverageAired: ['Lượt cụm loa phát đủ', 'same'],
  coveragePercent: ['Tỷ lệ lượt phát đủ (%)', 'same'],
  shortfallSeconds: ['Còn thiếu (phút)', 'minutesUp'],
  shortfallPlays: ['Số lượt còn thiếu', 'same'],
  topicsMissed: ['Chủ đề chưa đạt', 'topics'],
  date: ['Ngày', 'same'],
  communesBelowMinimum: ['Số xã dưới mức tối thiểu', 'same'],
  communesMet: ['Số xã đạt', 'same'],
  baselineSeconds: ['Trước chiến dịch (phút)', 'minutes'],
  changeSeconds: ['Thay đổi (phút)', 'minutes'],
  changePercent: ['Thay đổi (%)', 'same'],
  baselinePlays: ['Số lượt phát trước chiến dịch', 'same'],
  belowMinimum: ['Mức tối thiểu trong ngày', 'notMet'],
};

const CAMPAIGN_STATUS_WORDS: Record<string, string> = {
  'not-started': 'Chưa bắt đầu',
  'on-track': 'Đúng tiến độ',
  behind: 'Chậm tiến độ',
  met: 'Đạt',
  'not-met': 'Chưa đạt',
};

const KIND_OF: Partial<Record<Conversion, CellKind>> = {
  code: 'code',
  minutes: 'minutes',
  minutesUp: 'minutes',
  airedMinutes: 'minutes',
  campaignMinutes: 'minutes',
  topic: 'text',
  topics: 'text',
  met: 'text',
  notMet: 'text',
  chain: 'text',
  campaignStatus: 'text',
};

/** Topic code → name; an unknown code stays a code. */
export type TopicNames = ReadonlyMap<string, string>;

function yesNo(value: CellValue, yes: string, no: string): CellValue {
  return value === null ? null : value ? yes : no;
}

function convert(
  conversion: Conversion,
  value: CellValue,
  topics: TopicNames,
  row: Readonly<Record<string, CellValue>>,
): CellValue {
  if (value === null) return null;
  switch (conversion) {
    case 'minutes':
      return tenthsOfMinute(Number(value));
    case 'minutesUp':
      return tenthsOfMinute(Number(value), 'up');
    case 'airedMinutes':
      return typeof row.requiredSeconds === 'number'
        ? minutesAgainst(Number(value), row.requiredSeconds).aired
        : tenthsOfMinute(Number(value));
    case 'campaignMinutes':
      return tenthsOfMinute(Number(value), row.belowMinimum === true ? 'down' : 'nearest');
    case 'topic':
      return topics.get(String(value)) ?? value;
    case 'topics':
      return String(value)
        .split(' ')
        .filter(Boolean)
        .map((code) => topics.get(code) ?? code)
        .join('; ');
    case 'met':
      return yesNo(value, 'Đạt', 'Chưa đạt');
    case 'notMet':
      return yesNo(value, 'Chưa đạt', 'Đạt');
    case 'chain':
      return yesNo(value, 'Toàn vẹn', 'Bị can thiệp');
    case 'campaignStatus':
      return CAMPAIGN_STATUS_WORDS[String(value)] ?? value;
    default:
      return value;
  }
}

/** How a raw column reads for people: its header and how its cells change. */
function peopleColumn(column: TableColumn, topics: TopicNames): [string, Conversion] {
  const known = COLUMNS[column.key];
  if (known) return known;
  // A column per topic (the summary's days): the topic's name, in minutes when it holds seconds.
  const name = topics.get(column.key);
  if (name) return column.kind === 'seconds' ? [`${name} (phút)`, 'minutes'] : [name, 'same'];
  return [column.header ?? column.key, 'same'];
}

/** One table for people: same rows and keys, Vietnamese headers, converted cells. */
export function tableForPeople(table: ReportTable, topics: TopicNames): ReportTable {
  const plan = table.columns.map((column) => ({ column, read: peopleColumn(column, topics) }));
  return {
    sheet: table.sheet,
    readers: 'people',
    columns: labelledColumns(
      ...plan.map(({ column, read: [header, conversion] }): [string, CellKind, string] => [
        column.key,
        KIND_OF[conversion] ?? column.kind,
        header,
      ]),
    ),
    rows: table.rows.map((row) =>
      Object.fromEntries(
        plan.map(({ column, read: [, conversion] }) => [
          column.key,
          convert(conversion, row[column.key] ?? null, topics, row),
        ]),
      ),
    ),
  };
}

/** Every table of a report for people. */
export function documentForPeople(document: ReportDocument, topics: TopicNames): ReportDocument {
  return { ...document, tables: document.tables.map((table) => tableForPeople(table, topics)) };
}
