import { PlayoutRecordView } from '../../playout/playout-record.view';
import { CommuneDetail, ComplianceReport, ProvinceSummary, UpliftReport } from '../reports.service';
import { CommuneCompliance } from '../compliance';
import { columns, ReportDocument, ReportTable } from './report-table';

/**
 * Each view as tables: the first is what CSV carries, all of them are the XLSX sheets. Column
 * keys are the JSON field names; nested JSON objects are flattened (`chainOk`, `campaignStatus`).
 * They are the machines' tables (`columns=raw`); `documentForPeople` makes people's of them.
 */

/** The pinned columns of `GET /reports/compliance`, in their order. */
export const COMPLIANCE_COLUMNS = columns(
  ['communeCode', 'text'],
  ['communeName', 'text'],
  ['topic', 'text'],
  ['airedSeconds', 'seconds'],
  ['plays', 'integer'],
  ['requiredSeconds', 'integer'],
  ['requiredPlays', 'integer'],
  ['met', 'boolean'],
);

const COMMUNE_COLUMNS = columns(
  ['communeCode', 'text'],
  ['communeName', 'text'],
  ['metAll', 'boolean'],
  ['topicsMet', 'integer'],
  ['topicsRequired', 'integer'],
  ['campaignSeconds', 'seconds'],
  ['minDailySeconds', 'integer'],
  ['daysBelowMinimum', 'integer'],
  ['campaignStatus', 'text'],
  ['campaignThrough', 'date'],
  ['chainOk', 'boolean'],
  ['chainCount', 'integer'],
  ['chainBrokenAtSeq', 'integer'],
  ['chainCheckedAt', 'instant'],
  ['chainUncheckedRecords', 'integer'],
  ['coverageTargeted', 'integer'],
  ['coverageAired', 'integer'],
  ['coveragePercent', 'percent'],
);

function communeRow(commune: CommuneCompliance): ReportTable['rows'][number] {
  return {
    communeCode: commune.communeCode,
    communeName: commune.communeName,
    metAll: commune.metAll,
    topicsMet: commune.topicsMet,
    topicsRequired: commune.topicsRequired,
    campaignSeconds: commune.campaignSeconds,
    minDailySeconds: commune.minDailySeconds,
    daysBelowMinimum: commune.daysBelowMinimum,
    campaignStatus: commune.campaign.status,
    campaignThrough: commune.campaign.through,
    chainOk: commune.chain.ok,
    chainCount: commune.chain.count,
    chainBrokenAtSeq: commune.chain.brokenAtSeq,
    chainCheckedAt: commune.chain.checkedAt,
    chainUncheckedRecords: commune.chain.uncheckedRecords,
    coverageTargeted: commune.coverage.targeted,
    coverageAired: commune.coverage.aired,
    coveragePercent: commune.coverage.percent,
  };
}

function rangeName(view: { from: string; to: string }): string {
  return `${view.from}_${view.to}`;
}

export function complianceDocument(report: ComplianceReport): ReportDocument {
  return {
    fileName: `tuan-thu_${report.campaign}_${report.province}_${rangeName(report)}`,
    tables: [
      {
        sheet: 'Tuân thủ',
        readers: 'machines',
        columns: COMPLIANCE_COLUMNS,
        rows: report.rows.map((row) => ({ ...row })),
      },
      {
        sheet: 'Theo xã',
        readers: 'machines',
        columns: COMMUNE_COLUMNS,
        rows: report.communes.map(communeRow),
      },
    ],
  };
}

export function summaryDocument(summary: ProvinceSummary): ReportDocument {
  const topics = summary.byTopic.map((topic) => topic.topic);
  return {
    fileName: `tong-hop_${summary.campaign}_${summary.province}_${rangeName(summary)}`,
    tables: [
      {
        sheet: 'Chậm tiến độ',
        readers: 'machines',
        columns: columns(
          ['communeCode', 'text'],
          ['communeName', 'text'],
          ['shortfallSeconds', 'seconds'],
          ['shortfallPlays', 'integer'],
          ['topicsMissed', 'text'],
          ['daysBelowMinimum', 'integer'],
        ),
        rows: summary.laggards.map((laggard) => ({
          ...laggard,
          topicsMissed: laggard.topicsMissed.join(' '),
        })),
      },
      {
        sheet: 'Đạt mọi chỉ tiêu',
        readers: 'machines',
        columns: columns(['communeCode', 'text'], ['communeName', 'text']),
        rows: summary.meetingAll.map((commune) => ({ ...commune })),
      },
      {
        sheet: 'Theo chủ đề',
        readers: 'machines',
        columns: columns(
          ['topic', 'text'],
          ['airedSeconds', 'seconds'],
          ['plays', 'integer'],
          ['requiredSeconds', 'integer'],
          ['requiredPlays', 'integer'],
          ['communesMet', 'integer'],
        ),
        rows: summary.byTopic.map((topic) => ({ ...topic })),
      },
      {
        sheet: 'Theo ngày',
        readers: 'machines',
        columns: columns(
          ['date', 'date'],
          ['campaignSeconds', 'seconds'],
          ['communesBelowMinimum', 'integer'],
          ...topics.map((topic): [string, 'seconds'] => [topic, 'seconds']),
        ),
        rows: summary.byDay.map((day) => ({
          date: day.date,
          campaignSeconds: day.campaignSeconds,
          communesBelowMinimum: day.communesBelowMinimum,
          ...Object.fromEntries(day.topics.map((topic) => [topic.topic, topic.airedSeconds])),
        })),
      },
    ],
  };
}

const UPLIFT_COLUMNS = columns(
  ['communeCode', 'text'],
  ['communeName', 'text'],
  ['airedSeconds', 'seconds'],
  ['baselineSeconds', 'seconds'],
  ['changeSeconds', 'seconds'],
  ['changePercent', 'percent'],
);

export function upliftDocument(report: UpliftReport): ReportDocument {
  return {
    fileName: `tang-thoi-luong_${report.campaign}_${report.province}_${rangeName(report)}`,
    tables: [
      {
        sheet: 'Tăng thời lượng',
        readers: 'machines',
        columns: UPLIFT_COLUMNS,
        rows: report.rows.map((row) => ({ ...row })),
      },
      {
        sheet: 'Theo chủ đề',
        readers: 'machines',
        columns: [
          ...UPLIFT_COLUMNS.slice(0, 2),
          ...columns(['topic', 'text']),
          ...UPLIFT_COLUMNS.slice(2),
          ...columns(['plays', 'integer'], ['baselinePlays', 'integer']),
        ],
        rows: report.topics.map((row) => ({ ...row })),
      },
    ],
  };
}

export function communeDetailDocument(detail: CommuneDetail): ReportDocument {
  return {
    fileName: `chi-tiet_${detail.campaign}_${detail.communeCode}_${rangeName(detail)}`,
    tables: [
      {
        sheet: 'Theo ngày và chủ đề',
        readers: 'machines',
        columns: columns(
          ['date', 'date'],
          ['topic', 'text'],
          ['airedSeconds', 'seconds'],
          ['plays', 'integer'],
        ),
        rows: detail.daily.flatMap((day) =>
          day.topics.map((topic) => ({ date: day.date, ...topic })),
        ),
      },
      {
        sheet: 'Theo ngày',
        readers: 'machines',
        columns: columns(
          ['date', 'date'],
          ['campaignSeconds', 'seconds'],
          ['belowMinimum', 'boolean'],
        ),
        rows: detail.daily.map(({ date, campaignSeconds, belowMinimum }) => ({
          date,
          campaignSeconds,
          belowMinimum,
        })),
      },
      {
        sheet: 'Tuân thủ',
        readers: 'machines',
        columns: COMPLIANCE_COLUMNS,
        rows: detail.rows.map((row) => ({ ...row })),
      },
      {
        sheet: 'Tổng quan',
        readers: 'machines',
        columns: COMMUNE_COLUMNS,
        rows: [communeRow(detail.summary)],
      },
    ],
  };
}

/**
 * The as-run export: the hashed fields in the chain's canonical order (topics as the JSON
 * array that was hashed), then `prevHash` and `hash`, then what the chain does not cover.
 */
export const AS_RUN_COLUMNS = columns(
  ['communeCode', 'text'],
  ['seq', 'integer'],
  ['scheduleItemId', 'text'],
  ['bulletinId', 'text'],
  ['topics', 'text'],
  ['startedAt', 'instant'],
  ['endedAt', 'instant'],
  ['playedMs', 'integer'],
  ['outcome', 'text'],
  ['source', 'text'],
  ['correctsSeq', 'integer'],
  ['prevHash', 'text'],
  ['hash', 'text'],
  ['title', 'text'],
  ['reason', 'text'],
  // A relay's segments as JSON (hashed with it, README); empty for every other record.
  ['segments', 'text'],
);

export function asRunTable(records: readonly PlayoutRecordView[]): ReportTable {
  return {
    sheet: 'Nhật ký phát thanh',
    readers: 'machines',
    columns: AS_RUN_COLUMNS,
    rows: records.map((record) => ({
      communeCode: record.communeCode,
      seq: record.seq,
      scheduleItemId: record.scheduleItemId,
      bulletinId: record.bulletinId,
      topics: JSON.stringify(record.topics),
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      playedMs: record.playedMs,
      outcome: record.outcome,
      source: record.source,
      correctsSeq: record.correctsSeq,
      prevHash: record.prevHash,
      hash: record.hash,
      title: record.title,
      reason: record.reason,
      segments: record.segments ? JSON.stringify(record.segments) : null,
    })),
  };
}
