import { Between, EntityManager, In } from 'typeorm';
import { insertRows, placeholders, selectRows, settleAll, SqlValue } from '../database/bulk-insert';
import type { CommuneDay } from '../playout/as-run-ledger';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { chunks, communeKey, LOOKUP_CHUNK } from '../playout/log-checks';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import {
  airtimeOf,
  countedDate,
  CountedRecord,
  firstCorrectors,
  recordsInEffect,
  replacesTarget,
  topicSetKey,
} from './airtime';
import { campaignsForAppend, CampaignDelta } from './campaign-rollups';
import {
  AirtimeDaily,
  AirtimeDailySet,
  AirtimeMonthly,
  AirtimeRollupState,
} from './entities/airtime-daily.entity';
import { CampaignAirtimeDaily, CampaignAirtimeMonthly } from './entities/campaign-airtime.entity';
import { monthOf } from './report-range';

/**
 * The roll-ups (`airtime_daily`, `airtime_daily_set`, `airtime_monthly`, and the per-campaign
 * `campaign_airtime_daily` / `campaign_airtime_monthly`) kept equal to the raw sums of the
 * as-run log. Every function here runs in the caller's transaction, on a commune whose chain
 * head the caller holds (the ledger's append, or `lockHead`), so no other writer moves its
 * records meanwhile.
 */

const READ_PAGE = 2000;
/** Largest value of an `integer` column on PostgreSQL. */
const MAX_SEQ = 2_147_483_647;

const COUNTED_COLUMNS = {
  communeCode: true,
  seq: true,
  startedAt: true,
  topics: true,
  outcome: true,
  playedMs: true,
  correctsSeq: true,
} as const;

interface DeltaRow {
  communeCode: string;
  localDate: string;
  key: string;
  airedMs: number;
  plays: number;
}

/** Signed changes to roll-up rows, summed per row before they are written. */
export class RollupDelta {
  private readonly byTopic = new Map<string, DeltaRow>();
  private readonly bySet = new Map<string, DeltaRow>();

  /** Adds (`sign` 1) or takes away (`sign` -1) what a record counts. */
  add(record: CountedRecord, sign: 1 | -1): void {
    const { airedMs, plays } = airtimeOf(record);
    if (airedMs === 0 && plays === 0) return;
    const localDate = countedDate(record);
    const change = { airedMs: sign * airedMs, plays: sign * plays };
    for (const topic of new Set(record.topics)) {
      accumulate(this.byTopic, record.communeCode, localDate, topic, change);
    }
    accumulate(this.bySet, record.communeCode, localDate, topicSetKey(record.topics), change);
  }

  get isEmpty(): boolean {
    return this.byTopic.size === 0 && this.bySet.size === 0;
  }

  /**
   * Writes the changes. The roll-up tables are written independently of each other, so their
   * statements go at once; the campaigns' rows follow the campaigns' read, beside them.
   */
  async write(manager: EntityManager): Promise<void> {
    const topicRows = changedOnly(this.byTopic);
    const setRows = changedOnly(this.bySet);
    await settleAll([
      registerTopicSets(manager, [...new Set(setRows.map((row) => row.key))]),
      upsertAdding(
        manager,
        'airtime_daily',
        ['commune_code', 'local_date', 'topic_code'],
        topicRows.map((row) => [row.communeCode, row.localDate, row.key, row.airedMs, row.plays]),
      ),
      upsertAdding(
        manager,
        'airtime_monthly',
        ['commune_code', 'topic_code', 'month'],
        monthsOf(topicRows).map((row) => [
          row.communeCode,
          row.topicCode,
          row.month,
          row.airedMs,
          row.plays,
        ]),
      ),
      upsertAdding(
        manager,
        'airtime_daily_set',
        ['commune_code', 'local_date', 'topic_set'],
        setRows.map((row) => [row.communeCode, row.localDate, row.key, row.airedMs, row.plays]),
      ),
      writeCampaignDays(manager, setRows),
    ]);
  }
}

/** The campaigns' rows that changed set rows touch (nothing is read when none changed). */
async function writeCampaignDays(manager: EntityManager, setRows: readonly DeltaRow[]) {
  if (setRows.length === 0) return;
  const campaigns = new CampaignDelta(await campaignsForAppend(manager));
  for (const row of setRows) {
    campaigns.addSet(row.communeCode, row.localDate, row.key, row.airedMs);
  }
  await campaigns.write(manager);
}

/** The rows whose sums change (a row never written stays absent, as in the raw GROUP BY). */
function changedOnly(rows: Map<string, DeltaRow>): DeltaRow[] {
  return [...rows.values()].filter((row) => row.airedMs !== 0 || row.plays !== 0);
}

/**
 * The month rows of changed day rows: every month with a changed day is written, even when
 * its sum nets to zero, so a month row exists exactly when one of its day rows does.
 */
function monthsOf(days: readonly DeltaRow[]): AirtimeMonthly[] {
  const months = new Map<string, AirtimeMonthly>();
  for (const day of days) {
    const month = monthOf(day.localDate);
    const id = `${day.communeCode}\n${day.key}\n${month}`;
    const row = months.get(id);
    if (row) {
      row.airedMs += day.airedMs;
      row.plays += day.plays;
    } else {
      months.set(id, {
        communeCode: day.communeCode,
        topicCode: day.key,
        month,
        airedMs: day.airedMs,
        plays: day.plays,
      });
    }
  }
  return [...months.values()];
}

function accumulate(
  rows: Map<string, DeltaRow>,
  communeCode: string,
  localDate: string,
  key: string,
  change: { airedMs: number; plays: number },
): void {
  const id = `${communeCode}\n${localDate}\n${key}`;
  const row = rows.get(id);
  if (row) {
    row.airedMs += change.airedMs;
    row.plays += change.plays;
  } else {
    rows.set(id, { communeCode, localDate, key, ...change });
  }
}

/** Notes the topic sets rolled up, so reports find a campaign's sets without a scan. */
async function registerTopicSets(manager: EntityManager, keys: readonly string[]): Promise<void> {
  await insertRows(
    manager,
    'airtime_topic_set',
    ['topic_set'],
    keys.map((key) => [key]),
    'DO NOTHING',
  );
}

/**
 * INSERT … ON CONFLICT DO UPDATE adding `aired_ms` and `plays` to the existing row. Each row is
 * its key columns' values, then `aired_ms`, then `plays`.
 */
async function upsertAdding(
  manager: EntityManager,
  table: string,
  keyColumns: readonly string[],
  rows: readonly SqlValue[][],
): Promise<void> {
  await insertRows(
    manager,
    table,
    [...keyColumns, 'aired_ms', 'plays'],
    rows,
    `(${keyColumns.join(', ')}) DO UPDATE SET ` +
      `aired_ms = ${table}.aired_ms + EXCLUDED.aired_ms, plays = ${table}.plays + EXCLUDED.plays`,
  );
}

/**
 * Brings the roll-ups of the records' commune up to the last of `records` (newly appended, in
 * seq order): the one call the as-run ledger makes, in the append's transaction. When the
 * roll-ups were already behind (records written before they existed), the gap is rolled up
 * first, from the log.
 */
export async function applyToRollups(
  manager: EntityManager,
  records: readonly CountedRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const groups = communeGroups(records);
  const rolled = await rolledSeqsOf(manager, [...groups.keys()]);
  const delta = new RollupDelta();
  const saved: [string, number][] = [];
  for (const [communeCode, list] of groups) {
    const rolledSeq = rolled.get(communeCode) ?? 0;
    const first = list[0].seq;
    const last = list[list.length - 1].seq;
    if (rolledSeq >= last) continue;
    if (rolledSeq < first - 1) {
      await rollUpFromLog(manager, communeCode, rolledSeq, first - 1);
    }
    await collect(
      manager,
      communeCode,
      list.filter((record) => record.seq > rolledSeq),
      delta,
    );
    saved.push([communeCode, last]);
  }
  await settleAll([
    delta.write(manager),
    insertRows(
      manager,
      'airtime_rollup_state',
      ['commune_code', 'rolled_seq'],
      saved,
      '(commune_code) DO UPDATE SET rolled_seq = EXCLUDED.rolled_seq',
    ),
  ]);
}

/** The appended records by commune; each commune's must come together and in seq order. */
function communeGroups(records: readonly CountedRecord[]): Map<string, CountedRecord[]> {
  const groups = new Map<string, CountedRecord[]>();
  let current: CountedRecord[] | undefined;
  for (const record of records) {
    if (current && current[0].communeCode === record.communeCode) {
      if (record.seq !== current[current.length - 1].seq + 1) {
        throw new Error(`Roll-up of commune ${record.communeCode} given records out of seq order`);
      }
      current.push(record);
      continue;
    }
    if (groups.has(record.communeCode)) {
      throw new Error(`Roll-up of commune ${record.communeCode} given records out of seq order`);
    }
    current = [record];
    groups.set(record.communeCode, current);
  }
  return groups;
}

/** Rolls up what the commune's log holds beyond its roll-ups (records written around them). */
export async function catchUpCommune(manager: EntityManager, communeCode: string): Promise<number> {
  const head = await manager.findOneBy(PlayoutChain, { communeCode });
  const rolledSeq = await rolledSeqOf(manager, communeCode);
  if (!head || head.lastSeq <= rolledSeq) return 0;
  await rollUpFromLog(manager, communeCode, rolledSeq, head.lastSeq);
  await saveRolledSeq(manager, communeCode, head.lastSeq, null);
  return head.lastSeq - rolledSeq;
}

/**
 * Recomputes a commune's roll-ups from its whole log (repair, or after changing what counts).
 * Returns the number of records read.
 */
export async function rebuildCommune(
  manager: EntityManager,
  communeCode: string,
  now: Date,
): Promise<number> {
  for (const table of [
    AirtimeDaily,
    AirtimeMonthly,
    AirtimeDailySet,
    CampaignAirtimeDaily,
    CampaignAirtimeMonthly,
  ]) {
    await manager.delete(table, { communeCode });
  }
  const records = await readRecords(manager, communeCode, 0, MAX_SEQ);
  const delta = new RollupDelta();
  for (const record of recordsInEffect(records)) delta.add(record, 1);
  await delta.write(manager);
  await saveRolledSeq(manager, communeCode, records.at(-1)?.seq ?? 0, now);
  return records.length;
}

/**
 * Each commune-day's aired total in the set roll-up (every topic set of the day summed: what
 * the records in effect played, whatever their topics), by `communeKey(communeCode, date)`,
 * 0 for a day without a row; the days of communes whose roll-ups are behind their chain head
 * are left out. The as-run ledger's `DayTotalsReader`: a few key lookups where summing the
 * day's records reads all of them.
 */
export async function dayTotals(
  manager: EntityManager,
  days: readonly CommuneDay[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const behind = new Set<string>();
  // One statement a slice: the days' sums, then a row without a date for each commune behind.
  for (const slice of chunks(days, LOOKUP_CHUNK / 2)) {
    const communes = [...new Set(slice.map((day) => day.communeCode))];
    const rows = await selectRows<{
      communeCode: string;
      date: string | null;
      airedMs: number | string | null;
    }>(
      manager,
      'SELECT commune_code AS "communeCode", local_date AS "date", SUM(aired_ms) AS "airedMs" ' +
        'FROM airtime_daily_set WHERE ' +
        slice.map(() => '(commune_code = ? AND local_date = ?)').join(' OR ') +
        ' GROUP BY commune_code, local_date UNION ALL ' +
        'SELECT head.commune_code, NULL, NULL FROM playout_chain head ' +
        'LEFT JOIN airtime_rollup_state state ON state.commune_code = head.commune_code ' +
        `WHERE head.commune_code IN (${placeholders(communes.length)}) ` +
        'AND head.last_seq > COALESCE(state.rolled_seq, 0)',
      [...slice.flatMap((day) => [day.communeCode, day.date]), ...communes],
    );
    for (const row of rows) {
      if (row.date === null) behind.add(row.communeCode);
      else found.set(communeKey(row.communeCode, row.date), Number(row.airedMs));
    }
  }
  const totals = new Map<string, number>();
  for (const day of days) {
    if (behind.has(day.communeCode)) continue;
    const key = communeKey(day.communeCode, day.date);
    totals.set(key, found.get(key) ?? 0);
  }
  return totals;
}

/** Communes whose roll-ups are behind their chain head. */
export async function laggingCommunes(
  manager: EntityManager,
  communeCodes?: readonly string[],
): Promise<string[]> {
  const query = manager
    .createQueryBuilder(PlayoutChain, 'head')
    .leftJoin(AirtimeRollupState, 'state', 'state.commune_code = head.commune_code')
    .select('head.commune_code', 'communeCode')
    .where('head.last_seq > COALESCE(state.rolled_seq, 0)');
  if (communeCodes) {
    if (communeCodes.length === 0) return [];
    query.andWhere('head.commune_code IN (:...communeCodes)', { communeCodes });
  }
  const rows = await query.getRawMany<{ communeCode: string }>();
  return rows.map((row) => row.communeCode).sort();
}

async function rolledSeqsOf(
  manager: EntityManager,
  communeCodes: readonly string[],
): Promise<Map<string, number>> {
  const rolled = new Map<string, number>();
  for (let start = 0; start < communeCodes.length; start += 500) {
    // Plain SQL: every append of a group of posts reads the states of its communes.
    const codes = communeCodes.slice(start, start + 500);
    const states = await selectRows<{ communeCode: string; rolledSeq: number | string }>(
      manager,
      'SELECT commune_code AS "communeCode", rolled_seq AS "rolledSeq" ' +
        `FROM airtime_rollup_state WHERE commune_code IN (${placeholders(codes.length)})`,
      codes,
    );
    for (const state of states) rolled.set(state.communeCode, Number(state.rolledSeq));
  }
  return rolled;
}

async function rolledSeqOf(manager: EntityManager, communeCode: string): Promise<number> {
  const state = await manager.findOneBy(AirtimeRollupState, { communeCode });
  return state?.rolledSeq ?? 0;
}

async function saveRolledSeq(
  manager: EntityManager,
  communeCode: string,
  rolledSeq: number,
  rebuiltAt: Date | null,
): Promise<void> {
  const values: Partial<AirtimeRollupState> = { communeCode, rolledSeq };
  const overwrite = ['rolled_seq'];
  if (rebuiltAt) {
    values.rebuiltAt = rebuiltAt;
    overwrite.push('rebuilt_at');
  }
  await manager
    .createQueryBuilder()
    .insert()
    .into(AirtimeRollupState)
    .values(values)
    .orUpdate(overwrite, ['commune_code'])
    .execute();
}

/** Rolls up records `after` < seq ≤ `through` of the commune, read from the log page by page. */
async function rollUpFromLog(
  manager: EntityManager,
  communeCode: string,
  after: number,
  through: number,
): Promise<void> {
  let cursor = after;
  while (cursor < through) {
    const page = await readRecords(manager, communeCode, cursor, through, READ_PAGE);
    if (page.length === 0) break;
    await rollUp(manager, communeCode, page);
    cursor = page[page.length - 1].seq;
  }
}

/**
 * Adds records that were not rolled up yet, in seq order, and takes away the records their
 * corrections replace (read back from the log: they may be anywhere in it).
 */
async function rollUp(
  manager: EntityManager,
  communeCode: string,
  records: readonly CountedRecord[],
): Promise<void> {
  const delta = new RollupDelta();
  await collect(manager, communeCode, records, delta);
  await delta.write(manager);
}

/** What `rollUp` writes, added to `delta`. */
async function collect(
  manager: EntityManager,
  communeCode: string,
  records: readonly CountedRecord[],
  delta: RollupDelta,
): Promise<void> {
  const targets = [
    ...new Set(
      records.flatMap((record) =>
        record.correctsSeq !== null && record.correctsSeq < record.seq ? [record.correctsSeq] : [],
      ),
    ),
  ];
  if (targets.length > 0) {
    const first = await firstCorrectorsOf(manager, communeCode, targets);
    const replaced = records.filter((record) =>
      replacesTarget(record, first.get(record.correctsSeq ?? -1)),
    );
    const corrected = await recordsBySeq(
      manager,
      communeCode,
      replaced.map((record) => record.correctsSeq as number),
    );
    for (const correction of replaced) {
      const target = corrected.get(correction.correctsSeq as number);
      if (target) delta.add(target, -1);
    }
  }
  for (const record of records) delta.add(record, 1);
}

/** The lowest seq that corrects each target from after it, from the whole log. */
async function firstCorrectorsOf(
  manager: EntityManager,
  communeCode: string,
  targets: readonly number[],
): Promise<Map<number, number>> {
  const rows: Pick<CountedRecord, 'seq' | 'correctsSeq'>[] = [];
  for (let start = 0; start < targets.length; start += 500) {
    rows.push(
      ...(await manager.find(PlayoutRecord, {
        select: { seq: true, correctsSeq: true },
        where: { communeCode, correctsSeq: In(targets.slice(start, start + 500)) },
      })),
    );
  }
  return firstCorrectors(rows);
}

async function recordsBySeq(
  manager: EntityManager,
  communeCode: string,
  seqs: readonly number[],
): Promise<Map<number, CountedRecord>> {
  const found = new Map<number, CountedRecord>();
  for (let start = 0; start < seqs.length; start += 500) {
    const rows = await manager.find(PlayoutRecord, {
      select: COUNTED_COLUMNS,
      where: { communeCode, seq: In(seqs.slice(start, start + 500)) },
    });
    for (const row of rows) found.set(row.seq, row);
  }
  return found;
}

async function readRecords(
  manager: EntityManager,
  communeCode: string,
  after: number,
  through: number,
  limit?: number,
): Promise<CountedRecord[]> {
  return manager.find(PlayoutRecord, {
    select: COUNTED_COLUMNS,
    where: { communeCode, seq: Between(after + 1, through) },
    order: { seq: 'ASC' },
    take: limit,
  });
}
