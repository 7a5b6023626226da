import { labelledColumns, ReportDocument } from '../export/report-table';
import type { ReconciliationReport } from './reconciliation.service';
import {
  DISCREPANCY_LABELS,
  MISSED_CAUSE_LABELS,
  OUTCOME_LABELS,
  SOURCE_LABELS,
} from './reconciliation-labels';

/**
 * The reconciliation as tables for people: Vietnamese headers, the codes kept as text beside
 * their Vietnamese words (a spreadsheet filters on the code). CSV carries the lines, XLSX the
 * lines and the totals.
 */
const LINE_COLUMNS = labelledColumns(
  ['code', 'text', 'Mã sai lệch'],
  ['codeLabel', 'text', 'Sai lệch'],
  ['plannedStart', 'instant', 'Giờ phát theo lịch'],
  ['plannedSeconds', 'seconds', 'Thời lượng theo lịch (giây)'],
  ['airedStart', 'instant', 'Giờ phát thực tế'],
  ['airedSeconds', 'seconds', 'Thời lượng đã phát (giây)'],
  ['lateBySeconds', 'seconds', 'Muộn (giây)'],
  ['shortBySeconds', 'seconds', 'Thiếu (giây)'],
  ['offsetSeconds', 'seconds', 'Lệch giờ bắt đầu (giây)'],
  ['title', 'text', 'Bản tin'],
  ['causeCode', 'text', 'Mã nguyên nhân'],
  ['cause', 'text', 'Nguyên nhân'],
  ['outcome', 'text', 'Mã kết quả'],
  ['outcomeLabel', 'text', 'Kết quả nhật ký'],
  ['source', 'text', 'Mã nguồn bản ghi'],
  ['sourceLabel', 'text', 'Nguồn bản ghi'],
  ['recordSeq', 'integer', 'Số thứ tự bản ghi'],
  ['replacesSeq', 'integer', 'Đính chính bản ghi'],
  ['devicesTargeted', 'integer', 'Cụm loa được giao'],
  ['devicesAired', 'integer', 'Cụm loa phát đủ'],
  ['scheduleItemId', 'text', 'Mã mục lịch phát'],
  ['bulletinId', 'text', 'Mã bản tin'],
);

const TOTAL_COLUMNS = labelledColumns(
  ['code', 'text', 'Mã sai lệch'],
  ['codeLabel', 'text', 'Sai lệch'],
  ['count', 'integer', 'Số mục'],
  ['plannedSeconds', 'seconds', 'Thời lượng theo lịch (giây)'],
  ['airedSeconds', 'seconds', 'Thời lượng đã phát (giây)'],
);

export function reconciliationDocument(report: ReconciliationReport): ReportDocument {
  return {
    fileName: `doi-soat_${report.communeCode}_${report.from}_${report.to}`,
    tables: [
      {
        sheet: 'Đối soát',
        readers: 'people',
        columns: LINE_COLUMNS,
        rows: report.lines.map((line) => ({
          code: line.code,
          codeLabel: DISCREPANCY_LABELS[line.code],
          plannedStart: line.plannedStart,
          plannedSeconds: line.plannedSeconds,
          airedStart: line.airedStart,
          airedSeconds: line.airedSeconds,
          lateBySeconds: line.lateBySeconds,
          shortBySeconds: line.shortBySeconds,
          offsetSeconds: line.offsetSeconds,
          title: line.title,
          causeCode: line.causeCode,
          cause: line.cause ?? (line.causeCode ? MISSED_CAUSE_LABELS[line.causeCode] : null),
          outcome: line.outcome,
          outcomeLabel: line.outcome ? OUTCOME_LABELS[line.outcome] : null,
          source: line.source,
          sourceLabel: line.source ? SOURCE_LABELS[line.source] : null,
          recordSeq: line.recordSeq,
          replacesSeq: line.replacesSeq,
          devicesTargeted: line.devicesTargeted,
          devicesAired: line.devicesAired,
          scheduleItemId: line.scheduleItemId,
          bulletinId: line.bulletinId,
        })),
      },
      {
        sheet: 'Tổng hợp',
        readers: 'people',
        columns: TOTAL_COLUMNS,
        rows: report.totals.map((total) => ({
          ...total,
          codeLabel: DISCREPANCY_LABELS[total.code],
        })),
      },
    ],
  };
}
