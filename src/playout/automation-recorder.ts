import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { BulletinTopic } from '../bulletins/entities/bulletin-topic.entity';
import { Clock } from '../common/clock';
import { Db } from '../database/db.service';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import type { RelaySegment } from './player/relay-segments';
import { AsRunLedger, RecordDraft } from './as-run-ledger';
import { PlayoutClaim } from './entities/playout-claim.entity';
import { PlayoutOutcome, PlayoutRecord } from './entities/playout-record.entity';
import { AUTOMATION_ATTEMPT, chunks, LOOKUP_CHUNK } from './log-checks';
import { itemTitles } from '../schedule/item-titles';

export { itemTitles };
import { CLAIM_STALE_MS } from './playout-claims';

/** What the player (or the missed-item check) says happened to an item. */
export interface AutomationOutcome {
  outcome: PlayoutOutcome;
  startedAt: Date;
  endedAt: Date;
  playedMs: number;
  reason: string | null;
  /** A relay's segments (what aired when); absent for a bulletin. */
  segments?: RelaySegment[];
}

type ChainHead = Awaited<ReturnType<AsRunLedger['lockHead']>>;

/** What a record built from receipts sets beyond the player's defaults. */
export type RecordExtra = Partial<
  Pick<RecordDraft, 'source' | 'attempt' | 'correctsSeq' | 'devices' | 'createdBy'>
>;

/** One item's record for `appendMany`. */
export interface ItemRecordEntry {
  item: ScheduleItem;
  result: AutomationOutcome;
  extra?: RecordExtra;
}

/** Why an item was recorded without the player having played it. */
export const MISSED_REASONS = {
  notTaken: 'Quá giờ phát mà chưa có bộ phát nào nhận (dịch vụ dừng hoặc bộ phát bận)',
  tooLate: 'Bộ phát nhận mục quá muộn so với giờ phát',
  diedBeforeStart: 'Bộ phát dừng trước giờ phát (tiến trình kết thúc bất thường)',
} as const;
export const DIED_MID_PLAY = 'Bộ phát dừng giữa chừng (tiến trình kết thúc bất thường)';

/**
 * Writes the player's records (`source` automation, attempt 1) through the ledger, with the
 * item's copy of its bulletin's title and topics (what it was when it aired). One record per item and attempt: the
 * unique (schedule_item_id, attempt) index backs the check made here under the chain lock.
 */
@Injectable()
export class AutomationRecorder {
  constructor(
    private readonly db: Db,
    private readonly ledger: AsRunLedger,
    private readonly clock: Clock,
  ) {}

  /** The record of a play; null when the item already has its automation record. */
  record(item: ScheduleItem, result: AutomationOutcome): Promise<PlayoutRecord | null> {
    return this.db.write(async (manager) => {
      const head = await this.ledger.lockHead(manager, item.communeCode);
      if (await this.recorded(manager, item.id)) return null;
      return this.append(manager, head, item, result);
    });
  }

  /**
   * An item whose start passed by more than the tolerance without a live player: `missed` (or,
   * when a player died mid-play, `partial` up to its last heartbeat). Takes the claim in the same
   * transaction, so no player starts it afterwards. Null when there is nothing to record.
   */
  settleOverdue(item: ScheduleItem, lateToleranceMs: number): Promise<PlayoutRecord | null> {
    return this.db.write(async (manager) => {
      const head = await this.ledger.lockHead(manager, item.communeCode);
      if (await this.recorded(manager, item.id)) return null;
      const now = this.clock.now();
      const overdue = now.getTime() - item.startsAt.getTime() > lateToleranceMs;
      const claim = await manager.findOneBy(PlayoutClaim, {
        scheduleItemId: item.id,
        attempt: AUTOMATION_ATTEMPT,
      });
      if (!claim) {
        if (!overdue) return null;
        await manager.insert(PlayoutClaim, {
          scheduleItemId: item.id,
          attempt: AUTOMATION_ATTEMPT,
          communeCode: item.communeCode,
          owner: 'overdue-check',
          claimedAt: now,
          outputStartedAt: null,
          progressMs: 0,
          heartbeatAt: now,
        });
        return this.append(manager, head, item, missedOutcome(item, MISSED_REASONS.notTaken));
      }
      const silentMs = now.getTime() - (claim.heartbeatAt ?? claim.claimedAt).getTime();
      if (silentMs < CLAIM_STALE_MS) return null;
      if (claim.outputStartedAt) {
        const playedMs = claim.progressMs;
        return this.append(manager, head, item, {
          outcome: playedMs > 0 ? 'partial' : 'failed',
          startedAt: claim.outputStartedAt,
          endedAt: new Date(claim.outputStartedAt.getTime() + playedMs),
          playedMs,
          reason: DIED_MID_PLAY,
        });
      }
      if (!overdue) return null;
      return this.append(manager, head, item, missedOutcome(item, MISSED_REASONS.diedBeforeStart));
    });
  }

  private recorded(manager: EntityManager, itemId: string): Promise<boolean> {
    return manager.existsBy(PlayoutRecord, {
      scheduleItemId: itemId,
      attempt: AUTOMATION_ATTEMPT,
    });
  }

  /**
   * Appends the record of an item (the player's by default; `extra` for the records built from
   * device receipts) with the item's title and topics (its copy of its bulletin's). `head` must be
   * held.
   */
  async append(
    manager: EntityManager,
    head: ChainHead,
    item: ScheduleItem,
    result: AutomationOutcome,
    extra: RecordExtra = {},
  ): Promise<PlayoutRecord> {
    const [record] = await this.appendMany(manager, head, [{ item, result, extra }]);
    return record;
  }

  /**
   * `append` for many items of the head's commune in one go, in the order given: the bulletins
   * and their topics read once, the records written by one ledger append.
   */
  async appendMany(
    manager: EntityManager,
    head: ChainHead,
    entries: readonly ItemRecordEntry[],
  ): Promise<PlayoutRecord[]> {
    if (entries.length === 0) return [];
    const contents = await itemContents(
      manager,
      entries.map((entry) => entry.item),
    );
    return this.ledger.append(
      manager,
      head,
      entries.map(({ item, result, extra }) => ({
        communeCode: item.communeCode,
        scheduleItemId: item.id,
        attempt: AUTOMATION_ATTEMPT,
        bulletinId: item.bulletinId,
        title: contents.get(item.id)?.title ?? null,
        topics: contents.get(item.id)?.topics ?? [],
        startedAt: result.startedAt,
        endedAt: result.endedAt,
        playedMs: result.playedMs,
        outcome: result.outcome,
        source: 'automation',
        correctsSeq: null,
        reason: result.reason,
        demo: item.demo,
        // A relay's record always lists its segments (none when it never started).
        segments: item.sourceId ? (result.segments ?? []) : null,
        ...extra,
      })),
    );
  }
}

/**
 * The title and topics each item's record keeps: its own copy of its bulletin's (a bulletin's
 * topics edited while the item plays stay the bulletin's next version's), or a relay's own (its
 * source's name, its own topics). The bulletin's are read only for an item without the copy.
 */
async function itemContents(
  manager: EntityManager,
  items: readonly ScheduleItem[],
): Promise<Map<string, { title: string | null; topics: string[] }>> {
  const titles = await itemTitles(manager, items);
  const bulletinIds = [
    ...new Set(items.flatMap((item) => (item.topics ? [] : (item.bulletinId ?? [])))),
  ];
  const topics = new Map<string, string[]>();
  for (const ids of chunks(bulletinIds, LOOKUP_CHUNK)) {
    for (const topic of await manager.findBy(BulletinTopic, { bulletinId: In(ids) })) {
      const list = topics.get(topic.bulletinId);
      if (list) list.push(topic.topicCode);
      else topics.set(topic.bulletinId, [topic.topicCode]);
    }
  }
  return new Map(
    items.map((item) => [
      item.id,
      {
        title: titles.get(item.id) ?? null,
        topics: item.topics ?? (item.bulletinId ? (topics.get(item.bulletinId) ?? []) : []),
      },
    ]),
  );
}

/** DESIGN.md: a missed record starts and ends at the planned start, with nothing played. */
export function missedOutcome(item: ScheduleItem, reason: string): AutomationOutcome {
  return {
    outcome: 'missed',
    startedAt: item.startsAt,
    endedAt: item.startsAt,
    playedMs: 0,
    reason,
  };
}
