import { formatLocalInstant, localDateOf } from '../../common/local-time';
import type {
  DeviceCoverage,
  PlayoutOutcome,
  PlayoutSource,
} from '../../playout/entities/playout-record.entity';
import {
  OPEN_ITEM_STATUSES,
  type ScheduleItemStatus,
} from '../../schedule/entities/schedule-item.entity';
import { msToSeconds } from '../airtime';
import type { DateRange } from '../airtime.repository';
import { CodeTotal, ReconciliationLine } from './reconciliation.view';

export { CodeTotal, ReconciliationLine };

/**
 * Planned versus aired (đối soát kế hoạch – thực tế): every item of a commune's program log
 * beside the as-run record that stands for it, with a discrepancy code, the way broadcast traffic
 * systems reconcile a log (RadioTraffic, Rivendell, SMPTE BXF as-run).
 *
 * - The record that stands for an item is a record in effect (a correction replaces the record it
 *   corrects, as in every report) naming the item; a record built from the devices' receipts is
 *   the commune's record like any other. When several records in effect name the same item (a
 *   manual record beside the player's), the fullest play stands (aired, partial, failed, missed;
 *   then the longest; then the latest) and the others are listed in `otherSeqs`.
 * - Start and length are compared within `ON_TIME_TOLERANCE_MS` each way.
 * - An item without a record is `pending` while it is open on the program log: its record is
 *   still to be written (by its play, once its clusters' receipts are in or their grace is
 *   over, or by the scheduler's next tick), and the item leaves the open statuses in the same
 *   transaction as its record is written. Time alone says nothing: between the end of the grace
 *   and the tick that writes the record, an item the clusters aired has no record yet.
 */

/** How far a start may be off, or a play short, and still count as on time (each way). */
export const ON_TIME_TOLERANCE_MS = 2000;

export const DISCREPANCY_CODES = [
  /** Aired whole, started within the tolerance. */
  'on-time',
  /** Aired whole, started more than the tolerance after the planned start. */
  'late',
  /** Aired whole, started more than the tolerance before the planned start. */
  'early',
  /** Aired, but less than planned by more than the tolerance (a partial play). */
  'short',
  /** Planned, nothing aired: failed, missed, or closed with no record at all (`causeCode` says). */
  'missed',
  /** Taken off the log before it aired. */
  'cancelled',
  /** Aired (or recorded) without an item of the program log. */
  'unscheduled',
  /** Its record is still to be written: the item is open on the program log (see above). */
  'pending',
] as const;
export type DiscrepancyCode = (typeof DISCREPANCY_CODES)[number];

/** Why nothing aired. */
export const MISSED_CAUSES = [
  /** The play started and failed (`failed` record; `cause` holds the error). */
  'play-error',
  /** The service's player recorded it missed (`cause` holds why). */
  'not-played',
  /** Every targeted cluster stayed silent: none sent a receipt (offline). */
  'devices-offline',
  /** Clusters reported, and none played it. */
  'devices-missed',
  /** The item went to no cluster (no device in its zones). */
  'no-devices',
  /** The item is no longer open (its record was written), and no record in effect names it. */
  'no-record',
] as const;
export type MissedCause = (typeof MISSED_CAUSES)[number];

/** An item of the program log as the reconciliation reads it. */
export interface PlannedItem {
  id: string;
  bulletinId: string | null;
  title: string | null;
  startsAt: Date;
  endsAt: Date;
  durationMs: number;
  status: ScheduleItemStatus;
  cancelReason: string | null;
}

/** An as-run record as the reconciliation reads it (the reports' `CountedRecordView`). */
export interface AiredRecord {
  id: string;
  seq: number;
  scheduleItemId: string | null;
  bulletinId: string | null;
  title: string | null;
  /** UTC ISO 8601. */
  startedAt: string;
  playedMs: number;
  outcome: PlayoutOutcome;
  source: PlayoutSource;
  correctsSeq: number | null;
  reason: string | null;
  inEffect: boolean;
  devices?: DeviceCoverage;
}

export interface Reconciliation {
  toleranceSeconds: number;
  lines: ReconciliationLine[];
  /** Every code, in `DISCREPANCY_CODES` order, zeros included. */
  totals: CodeTotal[];
}

export interface ReconcileInput {
  range: DateRange;
  /** Items of the range and around it (a record of an item outside the range is left out). */
  items: readonly PlannedItem[];
  /**
   * Records of the range and around it, with whether each is in effect; read after the items,
   * so that an item read open whose record is written meanwhile comes with its record.
   */
  records: readonly AiredRecord[];
}

const RANK: Record<PlayoutOutcome, number> = { aired: 4, partial: 3, failed: 2, missed: 1 };

/** The fullest play first: outcome, then played length, then the latest. */
function fuller(a: AiredRecord, b: AiredRecord): number {
  return RANK[b.outcome] - RANK[a.outcome] || b.playedMs - a.playedMs || b.seq - a.seq;
}

function inRange(instant: Date, range: DateRange): boolean {
  const date = localDateOf(instant);
  return date >= range.from && date <= range.to;
}

function missedCause(record: AiredRecord): MissedCause {
  if (record.outcome === 'failed') return 'play-error';
  // Built from the clusters' receipts (an item's or a live announcement's): their counts say why.
  const devices = record.devices;
  if (!devices) return 'not-played';
  if (devices.targeted === 0) return 'no-devices';
  return devices.unreported === devices.targeted ? 'devices-offline' : 'devices-missed';
}

export const NO_RECORD_CAUSE = 'Đã quá giờ phát nhưng nhật ký không có bản ghi nào cho mục này';

function emptyLine(code: DiscrepancyCode): ReconciliationLine {
  return {
    code,
    scheduleItemId: null,
    bulletinId: null,
    title: null,
    plannedStart: null,
    plannedSeconds: null,
    itemStatus: null,
    recordSeq: null,
    replacesSeq: null,
    otherSeqs: [],
    outcome: null,
    source: null,
    airedStart: null,
    airedSeconds: null,
    offsetSeconds: null,
    lateBySeconds: null,
    shortBySeconds: null,
    causeCode: null,
    cause: null,
    devicesTargeted: null,
    devicesAired: null,
  };
}

function recordFields(record: AiredRecord): Partial<ReconciliationLine> {
  return {
    recordSeq: record.seq,
    replacesSeq: record.correctsSeq,
    outcome: record.outcome,
    source: record.source,
    airedStart: formatLocalInstant(new Date(record.startedAt)),
    airedSeconds: msToSeconds(
      record.outcome === 'aired' || record.outcome === 'partial' ? record.playedMs : 0,
    ),
    devicesTargeted: record.devices?.targeted ?? null,
    devicesAired: record.devices?.aired ?? null,
  };
}

/** The code of an item that has a record standing for it. */
function comparedLine(item: PlannedItem, record: AiredRecord): Partial<ReconciliationLine> {
  if (record.outcome === 'failed' || record.outcome === 'missed') {
    return { code: 'missed', causeCode: missedCause(record), cause: record.reason };
  }
  const offsetMs = Date.parse(record.startedAt) - item.startsAt.getTime();
  const shortMs = Math.max(0, item.durationMs - record.playedMs);
  const timing = {
    offsetSeconds: msToSeconds(offsetMs),
    lateBySeconds: offsetMs > ON_TIME_TOLERANCE_MS ? msToSeconds(offsetMs) : null,
    shortBySeconds: shortMs > ON_TIME_TOLERANCE_MS ? msToSeconds(shortMs) : null,
  };
  // A short play is the larger discrepancy: airtime was lost, not just moved.
  if (record.outcome === 'partial' || timing.shortBySeconds !== null) {
    return { ...timing, code: 'short', cause: record.reason };
  }
  if (timing.lateBySeconds !== null) return { ...timing, code: 'late' };
  if (offsetMs < -ON_TIME_TOLERANCE_MS) return { ...timing, code: 'early' };
  return { ...timing, code: 'on-time' };
}

function itemLine(item: PlannedItem, standing: readonly AiredRecord[]): ReconciliationLine {
  const base: ReconciliationLine = {
    ...emptyLine('pending'),
    scheduleItemId: item.id,
    bulletinId: item.bulletinId,
    title: item.title,
    plannedStart: formatLocalInstant(item.startsAt),
    plannedSeconds: msToSeconds(item.durationMs),
    itemStatus: item.status,
  };
  const [record, ...others] = [...standing].sort(fuller);
  if (record) {
    return {
      ...base,
      ...recordFields(record),
      title: item.title ?? record.title,
      otherSeqs: others.map((other) => other.seq).sort((a, b) => a - b),
      ...comparedLine(item, record),
    };
  }
  if (item.status === 'cancelled') {
    return { ...base, code: 'cancelled', cause: item.cancelReason };
  }
  if (OPEN_ITEM_STATUSES.includes(item.status)) return base;
  return { ...base, code: 'missed', causeCode: 'no-record', cause: NO_RECORD_CAUSE };
}

function unscheduledLine(record: AiredRecord): ReconciliationLine {
  return {
    ...emptyLine('unscheduled'),
    ...recordFields(record),
    bulletinId: record.bulletinId,
    title: record.title,
    cause: record.reason,
  };
}

function lineTime(line: ReconciliationLine): string {
  // Local ISO instants of one offset sort as text.
  return line.plannedStart ?? line.airedStart ?? '';
}

function totalsOf(lines: readonly ReconciliationLine[]): CodeTotal[] {
  return DISCREPANCY_CODES.map((code) => {
    const own = lines.filter((line) => line.code === code);
    const sum = (pick: (line: ReconciliationLine) => number | null): number =>
      msToSeconds(own.reduce((total, line) => total + Math.round((pick(line) ?? 0) * 1000), 0));
    return {
      code,
      count: own.length,
      plannedSeconds: sum((line) => line.plannedSeconds),
      airedSeconds: sum((line) => line.airedSeconds),
    };
  });
}

/** Every item of the range beside what aired, and every play of the range without an item. */
export function reconcile(input: ReconcileInput): Reconciliation {
  const items = new Map(input.items.map((item) => [item.id, item]));
  const standing = new Map<string, AiredRecord[]>();
  const lines: ReconciliationLine[] = [];
  for (const record of input.records) {
    if (!record.inEffect) continue;
    const item = record.scheduleItemId === null ? undefined : items.get(record.scheduleItemId);
    if (item) {
      const own = standing.get(item.id);
      if (own) own.push(record);
      else standing.set(item.id, [record]);
    } else if (inRange(new Date(record.startedAt), input.range)) {
      lines.push(unscheduledLine(record));
    }
  }
  for (const item of input.items) {
    if (!inRange(item.startsAt, input.range)) continue;
    lines.push(itemLine(item, standing.get(item.id) ?? []));
  }
  lines.sort(
    (a, b) =>
      lineTime(a).localeCompare(lineTime(b)) ||
      (a.recordSeq ?? 0) - (b.recordSeq ?? 0) ||
      (a.scheduleItemId ?? '').localeCompare(b.scheduleItemId ?? ''),
  );
  return {
    toleranceSeconds: ON_TIME_TOLERANCE_MS / 1000,
    lines,
    totals: totalsOf(lines),
  };
}
