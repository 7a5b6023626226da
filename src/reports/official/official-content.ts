import { ChainState, CommuneCompliance, ComplianceRow, Coverage } from '../compliance';
import { UpliftRow, UpliftTotals } from '../uplift';
import { formatViDate } from '../../common/local-time';

/** The words of an official report that its author may change before issuing it. */
export interface OfficialText {
  /** The body above the issuer (cơ quan chủ quản), e.g. "UBND TỈNH THANH HÓA". */
  parentBody: string;
  /** The issuer (cơ quan ban hành), e.g. "SỞ KHOA HỌC VÀ CÔNG NGHỆ". */
  issuingBody: string;
  /** Số và ký hiệu, written after "Số: " (blank number until the văn thư registers it). */
  documentNumber: string;
  /** The place of the dateline. */
  place: string;
  /** Trích yếu nội dung. */
  subject: string;
  paragraphs: string[];
  /** Nơi nhận, one line each. */
  recipients: string[];
  /** Quyền hạn ký (e.g. "KT. GIÁM ĐỐC"); empty when the head signs. */
  signerAuthority: string;
  signerTitle: string;
  signerName: string;
}

export const OFFICIAL_TEXT_FIELDS = [
  'parentBody',
  'issuingBody',
  'documentNumber',
  'place',
  'subject',
  'paragraphs',
  'recipients',
  'signerAuthority',
  'signerTitle',
  'signerName',
] as const satisfies readonly (keyof OfficialText)[];

export interface OfficialTarget {
  topic: string;
  topicName: string;
  minSecondsPerWeek: number;
  minPlaysPerWeek: number;
  /** Over the report's range, as the compliance report requires them. */
  requiredSeconds: number;
  requiredPlays: number;
}

export interface OfficialTopicCell {
  topic: string;
  airedSeconds: number;
  plays: number;
  met: boolean;
}

/** The head of a commune's as-run chain: the last record's seq and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface OfficialCommune {
  code: string;
  name: string;
  topics: OfficialTopicCell[];
  topicsMet: number;
  topicsRequired: number;
  campaignSeconds: number;
  daysBelowMinimum: number;
  uplift: UpliftRow;
  /** Of the clusters its items were sent to, how many aired them whole (by their receipts). */
  coverage: Coverage;
  chain: ChainState;
  head: ChainHead | null;
}

/** The numbers of an official report: taken from the compliance and uplift reports, never edited. */
export interface OfficialNumbers {
  scope: 'province' | 'commune';
  provinceCode: string;
  provinceName: string;
  /** For a commune's own report. */
  communeCode: string | null;
  campaignCode: string;
  campaignName: string;
  from: string;
  to: string;
  days: number;
  minDailySeconds: number;
  baselineFrom: string;
  baselineTo: string;
  targets: OfficialTarget[];
  communes: OfficialCommune[];
  uplift: UpliftTotals;
}

export interface OfficialReportModel {
  text: OfficialText;
  numbers: OfficialNumbers;
  /** The local day the report is dated. */
  issuedOn: string;
}

export interface OfficialSources {
  rows: readonly ComplianceRow[];
  communes: readonly CommuneCompliance[];
  uplift: readonly UpliftRow[];
  heads: ReadonlyMap<string, ChainHead>;
}

/** Per commune: the compliance report's rows and fields, its uplift row and its chain head. */
export function officialCommunes(sources: OfficialSources): OfficialCommune[] {
  const uplift = new Map(sources.uplift.map((row) => [row.communeCode, row]));
  return sources.communes.map((commune): OfficialCommune => {
    const upliftRow = uplift.get(commune.communeCode);
    if (!upliftRow) throw new Error(`No uplift row for commune ${commune.communeCode}`);
    return {
      code: commune.communeCode,
      name: commune.communeName,
      topics: sources.rows
        .filter((row) => row.communeCode === commune.communeCode)
        .map((row) => ({
          topic: row.topic,
          airedSeconds: row.airedSeconds,
          plays: row.plays,
          met: row.met,
        })),
      topicsMet: commune.topicsMet,
      topicsRequired: commune.topicsRequired,
      campaignSeconds: commune.campaignSeconds,
      daysBelowMinimum: commune.daysBelowMinimum,
      uplift: upliftRow,
      coverage: commune.coverage,
      chain: commune.chain,
      head: sources.heads.get(commune.communeCode) ?? null,
    };
  });
}

/** The words a report starts with, before its author edits them. */
export function defaultText(
  numbers: Pick<OfficialNumbers, 'from' | 'to' | 'provinceName' | 'campaignName'>,
  communeName: string | null,
): OfficialText {
  const range = `từ ngày ${formatViDate(numbers.from)} đến ngày ${formatViDate(numbers.to)}`;
  const provinceUpper = numbers.provinceName.toLocaleUpperCase('vi');
  const where = communeName ?? `các xã, phường trên địa bàn tỉnh ${numbers.provinceName}`;
  const common = {
    documentNumber: communeName ? '      /BC-UBND' : '      /BC-SKHCN',
    place: numbers.provinceName,
    subject: `Kết quả phát thanh chiến dịch “${numbers.campaignName}” ${range}`,
    paragraphs: [
      `Thực hiện chiến dịch “${numbers.campaignName}”, ${communeName ? 'Ủy ban nhân dân' : 'Sở Khoa học và Công nghệ'} báo cáo kết quả phát thanh trên hệ thống truyền thanh cơ sở của ${where} ${range} như sau:`,
      'Số liệu dưới đây được tổng hợp tự động từ nhật ký phát thanh có chuỗi băm của từng xã, phường; thời lượng tính theo bản tin đã phát thực tế.',
    ],
    signerAuthority: communeName ? 'TM. ỦY BAN NHÂN DÂN' : 'KT. GIÁM ĐỐC',
    signerTitle: communeName ? 'CHỦ TỊCH' : 'PHÓ GIÁM ĐỐC',
    signerName: '',
  };
  if (communeName) {
    return {
      ...common,
      parentBody: `UBND TỈNH ${provinceUpper}`,
      issuingBody: `UBND ${communeName.toLocaleUpperCase('vi')}`,
      recipients: ['Sở Khoa học và Công nghệ (để b/c);', 'Lưu: VT.'],
    };
  }
  return {
    ...common,
    parentBody: `UBND TỈNH ${provinceUpper}`,
    issuingBody: 'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
    recipients: [
      'Bộ Khoa học và Công nghệ (để b/c);',
      'UBND tỉnh (để b/c);',
      'UBND các xã, phường;',
      'Lưu: VT, CNTT&CĐS.',
    ],
  };
}

/** The chain's verdict in words. */
export function chainStatusText(chain: ChainState, head: ChainHead | null): string {
  if (!head || head.seq === 0) return 'Chưa có nhật ký';
  if (chain.ok === false) return `Bị can thiệp tại bản ghi ${chain.brokenAtSeq ?? '?'}`;
  if (chain.ok === null) return 'Chưa kiểm tra';
  if (chain.uncheckedRecords > 0) {
    return `Toàn vẹn đến bản ghi ${head.seq - chain.uncheckedRecords}`;
  }
  return 'Toàn vẹn';
}
