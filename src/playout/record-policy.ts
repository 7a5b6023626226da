import { EntityManager } from 'typeorm';
import { addDays, localDateOf, localMidnight } from '../common/local-time';
import { selectRows } from '../database/bulk-insert';
import { toInstant } from '../database/columns';
import {
  BroadcastPolicy,
  checkItem,
  PolicyItemKind,
  policyKindOf,
  PolicyViolation,
} from '../schedule/broadcast-policy';
import type { CommuneDay } from './as-run-ledger';
import { chunks, communeKey, LOOKUP_CHUNK } from './log-checks';
import { PreparedRecord, RecordLookups } from './record-preparer';

/**
 * The broadcast policy against records that people write (a manual record, an import's or a
 * batch's rows): what they claim went on air must be what the policy lets air, as an item of
 * the program log must (DESIGN.md principle 9). The player's own records, the clusters' receipts
 * and live sessions are not checked here: the player enforced the policy when it played.
 */

/** Whether the record says something went on air: `aired` or `partial` with time played. */
function claimsAirtime(record: Pick<PreparedRecord, 'outcome' | 'playedMs'>): boolean {
  return (record.outcome === 'aired' || record.outcome === 'partial') && record.playedMs > 0;
}

/** The record's kind for the policy: its item's (an emergency, a relay) or its bulletin's priority. */
export function recordKind(record: PreparedRecord, lookups: RecordLookups): PolicyItemKind {
  const item = record.scheduleItemId ? lookups.items.get(record.scheduleItemId) : null;
  const bulletin = record.bulletinId ? lookups.bulletins.get(record.bulletinId) : null;
  return policyKindOf(
    { source: item?.source ?? record.source, sourceId: item?.sourceId ?? null },
    bulletin?.priority,
  );
}

/**
 * The rule the record breaks, or null: its span against the quiet hours and the longest
 * session, and its played time against the day's airtime (the log's and the request's records
 * accepted before it). Emergencies are exempt; a record that played nothing breaks nothing.
 */
export function recordViolation(
  policy: BroadcastPolicy,
  record: PreparedRecord,
  kind: PolicyItemKind,
  days: DayAirtime,
): PolicyViolation | null {
  if (!claimsAirtime(record)) return null;
  return checkItem(
    policy,
    {
      startsAt: record.startedAt.getTime(),
      endsAt: record.endedAt.getTime(),
      kind,
      airtimeMs: record.playedMs,
    },
    { dayAirtimeBeforeMs: days.before(record) },
  );
}

/**
 * The airtime the daily limit counts, per commune and local day (by the record's start):
 * records in effect on the log, then the request's records as they are accepted, a correction
 * taking the place of the record it corrects. Emergencies and live speech are not counted.
 */
export class DayAirtime {
  /** Counted airtime by `communeKey(commune, local date)`. */
  private readonly byDay: Map<string, number>;
  /** Counted records of the log a record of the request corrects, by `communeKey(commune, seq)`. */
  private readonly counted = new Map<string, { day: string; airtimeMs: number }>();

  constructor(
    days: ReadonlyMap<string, number> = new Map(),
    corrected: readonly CountedRow[] = [],
  ) {
    this.byDay = new Map(days);
    for (const row of corrected) {
      this.counted.set(communeKey(row.communeCode, String(row.seq)), {
        day: communeKey(row.communeCode, localDateOf(row.startedAt)),
        airtimeMs: row.airtimeMs,
      });
    }
  }

  /** The day's airtime before the record, without the record it corrects. */
  before(record: PreparedRecord): number {
    const day = communeKey(record.communeCode, localDateOf(record.startedAt));
    const replaced = this.replaced(record);
    return (this.byDay.get(day) ?? 0) - (replaced?.day === day ? replaced.airtimeMs : 0);
  }

  /** Takes in an accepted record: its own airtime counts (unless exempt), its target's stops. */
  accept(record: PreparedRecord, kind: PolicyItemKind): void {
    const replaced = this.replaced(record);
    if (replaced) {
      this.byDay.set(replaced.day, (this.byDay.get(replaced.day) ?? 0) - replaced.airtimeMs);
    }
    if (!claimsAirtime(record) || kind === 'emergency') return;
    const day = communeKey(record.communeCode, localDateOf(record.startedAt));
    this.byDay.set(day, (this.byDay.get(day) ?? 0) + record.playedMs);
  }

  private replaced(record: PreparedRecord): { day: string; airtimeMs: number } | undefined {
    if (!record.correctsSeq) return undefined;
    return this.counted.get(communeKey(record.communeCode, String(record.correctsSeq)));
  }
}

/** A record of the log the daily limit counts. */
export interface CountedRow {
  communeCode: string;
  seq: number;
  startedAt: Date;
  airtimeMs: number;
}

interface CountedSqlRow {
  communeCode: string;
  seq: number | string;
  startedAt: string;
  playedMs: number | string;
}

/** The records of the log the daily limit counts: joins and conditions after `FROM`. */
const COUNTED =
  'playout_record record ' +
  'LEFT JOIN bulletin ON bulletin.id = record.bulletin_id ' +
  'LEFT JOIN schedule_item item ON item.id = record.schedule_item_id ' +
  "WHERE record.outcome IN ('aired', 'partial') AND record.played_ms > 0 " +
  "AND record.source <> 'live' " +
  "AND (bulletin.priority IS NULL OR bulletin.priority <> 'emergency') " +
  "AND (item.source IS NULL OR item.source NOT IN ('emergency', 'live')) " +
  'AND NOT EXISTS (SELECT 1 FROM playout_record fix ' +
  'WHERE fix.commune_code = record.commune_code AND fix.corrects_seq = record.seq)';

/** The commune-days the records that claim airtime start on: those the daily limit reads. */
export function claimedDays(records: readonly PreparedRecord[]): CommuneDay[] {
  return [...claimedByDay(records).values()].map(({ day }) => day);
}

/** What the records that claim airtime claim, per commune-day (`communeKey`), in milliseconds. */
function claimedByDay(
  records: readonly PreparedRecord[],
): Map<string, { day: CommuneDay; claimedMs: number }> {
  const days = new Map<string, { day: CommuneDay; claimedMs: number }>();
  for (const record of records.filter(claimsAirtime)) {
    const date = localDateOf(record.startedAt);
    const key = communeKey(record.communeCode, date);
    const known = days.get(key);
    if (known) known.claimedMs += record.playedMs;
    else
      days.set(key, { day: { communeCode: record.communeCode, date }, claimedMs: record.playedMs });
  }
  return days;
}

/** What the daily limit is checked against: each commune's limit, and the ledger's day totals. */
export interface DayLimits {
  /** The commune's daily limit in milliseconds (`dailyLimitMs` of its policy). */
  limitMs(communeCode: string): number;
  /** `AsRunLedger.dayTotals` of the `claimedDays`: upper bounds of what the limit counts. */
  totals: ReadonlyMap<string, number>;
}

/**
 * What the daily limit counts of the log on the local days the records start on, for every
 * commune they name; and, only for the request's corrections, the records they correct.
 *
 * A day whose kept total (`limits.totals`, which counts emergencies and live speech too) leaves
 * room under the limit for every record of the request on it is given that total: no record
 * can break the limit there, and nothing is summed. The others are summed by SQLite or
 * PostgreSQL (a commune's busy day is hundreds of records), in one statement per 100 days:
 * records in effect (nothing corrects them), `aired` or `partial` with time played, neither
 * live speech nor an emergency (by the item's source or the bulletin's priority).
 */
export async function countedOnDays(
  manager: EntityManager,
  records: readonly PreparedRecord[],
  limits: DayLimits,
): Promise<DayAirtime> {
  const sums = new Map<string, number>();
  const toSum: CommuneDay[] = [];
  for (const [key, { day, claimedMs }] of claimedByDay(records)) {
    const total = limits.totals.get(key);
    if (total !== undefined && total + claimedMs <= limits.limitMs(day.communeCode)) {
      sums.set(key, total);
    } else {
      toSum.push(day);
    }
  }
  for (const slice of chunks(toSum, LOOKUP_CHUNK / 5)) {
    const found = await selectRows<{ day: number | string; airtimeMs: number | string | null }>(
      manager,
      slice
        .map(
          (_, index) =>
            `SELECT ${index} AS day, SUM(record.played_ms) AS "airtimeMs" FROM ${COUNTED} ` +
            'AND record.commune_code = ? AND record.started_at >= ? AND record.started_at < ?',
        )
        .join(' UNION ALL '),
      slice.flatMap((day) => [
        day.communeCode,
        toInstant(localMidnight(day.date)),
        toInstant(localMidnight(addDays(day.date, 1))),
      ]),
    );
    for (const row of found) {
      const day = slice[Number(row.day)];
      sums.set(communeKey(day.communeCode, day.date), Number(row.airtimeMs ?? 0));
    }
  }
  const corrected: CountedRow[] = [];
  for (const slice of chunks(
    records.filter((record) => record.correctsSeq),
    LOOKUP_CHUNK / 5,
  )) {
    const found = await selectRows<CountedSqlRow>(
      manager,
      'SELECT record.commune_code AS "communeCode", record.seq, ' +
        `record.started_at AS "startedAt", record.played_ms AS "playedMs" FROM ${COUNTED} AND (` +
        slice.map(() => '(record.commune_code = ? AND record.seq = ?)').join(' OR ') +
        ')',
      slice.flatMap((record) => [record.communeCode, record.correctsSeq]),
    );
    for (const row of found) {
      corrected.push({
        communeCode: row.communeCode,
        seq: Number(row.seq),
        startedAt: new Date(row.startedAt),
        airtimeMs: Number(row.playedMs),
      });
    }
  }
  return new DayAirtime(sums, corrected);
}
