import { EntityManager, In } from 'typeorm';
import { BulletinTopic } from '../bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { DomainError } from '../common/domain-error';
import { Commune } from '../geo/geo.types';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { relayTitle } from '../schedule/schedule-item.view';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { TopicsService, unknownTopics } from '../topics/topics.service';
import { draftKeys, RecordDraft } from './as-run-ledger';
import { PostedSource, PostPlayoutRecordDto } from './dto/playout-record.dto';
import { sortTopics } from './hash-chain';
import { chunks, LOOKUP_CHUNK } from './log-checks';
import { ItemTimeMismatch, RecordRefusal, TimeOutOfRange } from './record-refusal.view';
import { PlayoutOutcome } from './entities/playout-record.entity';

/** A posted record may end at most this far in the future (clock skew of the posting PC). */
export const FUTURE_SKEW_MS = 5000;
/** No record is older than this (the service did not exist before; `1900-01-01` is a typo). */
export const EARLIEST_RECORD = new Date('2020-01-01T00:00:00+07:00');
/** A record of an item may start this much before the item's planned start (the PC's clock). */
export const ITEM_EARLY_TOLERANCE_MS = 60_000;
/** No single record spans more than a day. */
export const MAX_RECORD_MS = 24 * 3600 * 1000;

/** What a posted record's times are checked against. */
export interface RecordTimeRules {
  /** The service's clock when the request is handled. */
  now: Date;
  /**
   * A record of an item starts at most this long after the item's planned end
   * (`PLAYOUT_LATE_TOLERANCE_MS`: the player never starts an item later than that).
   */
  lateToleranceMs: number;
}

/**
 * A posted record checked and completed, with its content key, but not yet numbered: the
 * attempt is set under the lock.
 */
export type PreparedRecord = Omit<RecordDraft, 'attempt' | 'contentKey' | 'canonicalTail'> & {
  contentKey: string;
  canonicalTail: string;
};

/** 'An aired record', 'A partial record': the outcome with its article, to start a message. */
function aRecord(outcome: PlayoutOutcome): string {
  return `${outcome === 'aired' ? 'An' : 'A'} ${outcome} record`;
}

/** A record the checks refuse: the English message, and the rule with its values as details. */
export function invalid(message: string, refusal: RecordRefusal): DomainError {
  return new DomainError('PLAYOUT_RECORD_INVALID', message, refusal);
}

/**
 * What preparing records looks up (items, bulletins, their topics, known topic codes), read at
 * once for many records, e.g. the posts of a group commit across communes. Only a cache by id:
 * each preparer still checks that what it finds belongs to its commune.
 */
export class RecordLookups {
  readonly items = new Map<string, ScheduleItem | null>();
  readonly bulletins = new Map<string, Bulletin | null>();
  readonly bulletinTopics = new Map<string, string[]>();
  readonly knownTopics = new Set<string>();
  /** Relay sources' names by id (null: the source is gone). */
  readonly sourceNames = new Map<string, string | null>();
  /** Topic codes looked up and not found. */
  readonly unknownTopics = new Set<string>();

  /**
   * Reads, a few statements in all, everything `inputs` name that is not known yet: what
   * `RecordPreparer.prepare` needs of them, so that preparing a record reads nothing.
   */
  async learn(
    manager: EntityManager,
    topics: TopicsService,
    inputs: readonly PostPlayoutRecordDto[],
  ): Promise<void> {
    const itemIds = unseen(
      inputs.flatMap((input) => (input.scheduleItemId ? [input.scheduleItemId] : [])),
      this.items,
    );
    for (const id of itemIds) this.items.set(id, null);
    for (const ids of chunks(itemIds, LOOKUP_CHUNK)) {
      for (const item of await manager.findBy(ScheduleItem, { id: In(ids) })) {
        this.items.set(item.id, item);
      }
    }
    const bulletinIds = unseen(
      inputs.flatMap((input) => {
        const item = input.scheduleItemId ? this.items.get(input.scheduleItemId) : null;
        return [input.bulletinId, item?.bulletinId].filter((id): id is string => !!id);
      }),
      this.bulletins,
    );
    for (const id of bulletinIds) this.bulletins.set(id, null);
    for (const ids of chunks(bulletinIds, LOOKUP_CHUNK)) {
      for (const bulletin of await manager.findBy(Bulletin, { id: In(ids) })) {
        this.bulletins.set(bulletin.id, bulletin);
        this.bulletinTopics.set(bulletin.id, []);
      }
      for (const row of await manager.findBy(BulletinTopic, { bulletinId: In(ids) })) {
        this.bulletinTopics.get(row.bulletinId)?.push(row.topicCode);
      }
    }
    // A relay's record takes the relay's title (its source's name) and topics.
    const relays = inputs.flatMap((input) => {
      const item = input.scheduleItemId ? this.items.get(input.scheduleItemId) : null;
      return item && item.bulletinId === null ? [item] : [];
    });
    const sourceIds = unseen(
      relays.flatMap((item) => (item.sourceId ? [item.sourceId] : [])),
      this.sourceNames,
    );
    for (const id of sourceIds) this.sourceNames.set(id, null);
    for (const ids of chunks(sourceIds, LOOKUP_CHUNK)) {
      for (const source of await manager.findBy(StreamSource, { id: In(ids) })) {
        this.sourceNames.set(source.id, source.name);
      }
    }
    const codes = new Set([
      ...inputs.flatMap((input) => input.topics ?? []),
      ...relays.flatMap((item) => item.topics ?? []),
    ]);
    for (const id of bulletinIds) {
      for (const code of this.bulletinTopics.get(id) ?? []) codes.add(code);
    }
    const unknown = [...codes].filter(
      (code) => !this.knownTopics.has(code) && !this.unknownTopics.has(code),
    );
    if (unknown.length === 0) return;
    const known = await topics.knownCodes(unknown, manager);
    for (const code of unknown) {
      if (known.has(code)) this.knownTopics.add(code);
      else this.unknownTopics.add(code);
    }
  }
}

function unseen(ids: readonly string[], known: ReadonlyMap<string, unknown>): string[] {
  return [...new Set(ids)].filter((id) => !known.has(id));
}

/**
 * Turns posted records into drafts: resolves the item and bulletin (which must be the commune's,
 * or its province library's), defaults bulletin, title and topics from them, applies the
 * DESIGN.md rules for times (`missed` at the planned start with 0 played; `playedMs` defaults to
 * `endedAt − startedAt`) and refuses what cannot be true. It reads nothing: what a record names
 * is looked up beforehand, for all the records at once (`RecordLookups.learn`), and a record is
 * prepared without a turn of the event loop (a batch's hundreds of records, one after another).
 */
export class RecordPreparer {
  constructor(
    private readonly commune: Commune,
    private readonly rules: RecordTimeRules,
    private readonly defaultSource: PostedSource,
    /** What the records name, learned before they are prepared (`RecordLookups.learn`). */
    private readonly lookups: RecordLookups,
  ) {}

  prepare(input: PostPlayoutRecordDto): PreparedRecord {
    const item = input.scheduleItemId ? this.item(input.scheduleItemId) : null;
    const bulletinId = input.bulletinId ?? item?.bulletinId ?? null;
    if (item && input.bulletinId && input.bulletinId !== item.bulletinId) {
      throw invalid(`Item ${item.id} plays bulletin ${item.bulletinId}, not ${input.bulletinId}`, {
        rule: 'item-bulletin-mismatch',
        scheduleItemId: item.id,
        itemBulletinId: item.bulletinId,
        bulletinId: input.bulletinId,
      });
    }
    const bulletin = bulletinId ? this.bulletin(bulletinId) : null;
    // A relay's record takes the relay's title and topics, as the player's would.
    const relay = item && item.bulletinId === null && !input.bulletinId ? item : null;
    const title =
      input.title?.normalize('NFC') ??
      bulletin?.title ??
      (relay ? relayTitle(this.learned(this.lookups.sourceNames, relay.sourceId ?? null)) : null);
    if (!bulletin && title === null) {
      throw invalid('A record names a bulletin (bulletinId or scheduleItemId) or a title', {
        rule: 'no-bulletin-or-title',
      });
    }
    const topics = sortTopics(
      input.topics ??
        (bulletin
          ? (this.lookups.bulletinTopics.get(bulletin.id) ?? [])
          : relay
            ? (relay.topics ?? [])
            : []),
    );
    this.assertKnownTopics(topics);
    const times = this.times(input, item);
    if (
      (input.outcome === 'failed' || input.outcome === 'missed' || input.correctsSeq) &&
      !input.reason
    ) {
      throw invalid('reason is required for failed and missed records and for corrections', {
        rule: 'reason-required',
        outcome: input.outcome,
        correctsSeq: input.correctsSeq ?? null,
      });
    }
    const fields = {
      communeCode: this.commune.code,
      scheduleItemId: item?.id ?? null,
      bulletinId: bulletin?.id ?? null,
      title,
      topics,
      ...times,
      outcome: input.outcome,
      source: input.source ?? this.defaultSource,
      correctsSeq: input.correctsSeq ?? null,
      reason: input.reason?.normalize('NFC') ?? null,
    };
    return { ...fields, ...draftKeys(fields) };
  }

  private times(
    input: PostPlayoutRecordDto,
    item: ScheduleItem | null,
  ): Pick<PreparedRecord, 'startedAt' | 'endedAt' | 'playedMs'> {
    const startedAt = input.startedAt ? new Date(input.startedAt) : null;
    const endedAt = input.endedAt ? new Date(input.endedAt) : null;
    if (input.outcome === 'missed') {
      const planned = item?.startsAt ?? null;
      const start = startedAt ?? planned;
      if (!start) {
        throw invalid('A missed record without scheduleItemId needs startedAt', {
          rule: 'missed-needs-start',
        });
      }
      if (planned && start.getTime() !== planned.getTime()) {
        throw invalid(
          `A missed record starts at the item's planned start ${planned.toISOString()}`,
          { rule: 'missed-not-at-planned-start', plannedStart: planned.toISOString() },
        );
      }
      if (endedAt && endedAt.getTime() !== start.getTime()) {
        throw invalid('A missed record ends when it starts (endedAt = startedAt)', {
          rule: 'missed-ends-at-start',
        });
      }
      if (input.playedMs !== undefined && input.playedMs !== 0) {
        throw invalid('A missed record has playedMs 0', {
          rule: 'missed-played',
          playedMs: input.playedMs,
        });
      }
      this.assertInRange(start, 'startedAt');
      return { startedAt: start, endedAt: start, playedMs: 0 };
    }
    if (!startedAt || !endedAt) {
      throw invalid(`${aRecord(input.outcome)} needs startedAt and endedAt`, {
        rule: 'times-required',
        outcome: input.outcome,
      });
    }
    const spanMs = endedAt.getTime() - startedAt.getTime();
    if (spanMs < 0) {
      throw invalid('endedAt is before startedAt', { rule: 'ended-before-started' });
    }
    if (spanMs > MAX_RECORD_MS) {
      throw invalid('A record spans at most 24 hours', {
        rule: 'longer-than-a-day',
        spanMs,
        maxMs: MAX_RECORD_MS,
      });
    }
    this.assertInRange(startedAt, 'startedAt');
    this.assertInRange(endedAt, 'endedAt');
    if (item) this.assertAroundItem(startedAt, item);
    const playedMs = input.playedMs ?? spanMs;
    if (playedMs > spanMs) {
      throw invalid(`playedMs ${playedMs} is longer than endedAt − startedAt (${spanMs} ms)`, {
        rule: 'played-longer-than-span',
        playedMs,
        spanMs,
      });
    }
    if ((input.outcome === 'aired' || input.outcome === 'partial') && playedMs === 0) {
      throw invalid(`${aRecord(input.outcome)} must have played some audio (playedMs > 0)`, {
        rule: 'nothing-played',
        outcome: input.outcome,
      });
    }
    return { startedAt, endedAt, playedMs };
  }

  /** Not before the service's epoch, not after now (give or take the posting PC's clock). */
  private assertInRange(instant: Date, field: 'startedAt' | 'endedAt'): void {
    const latest = this.rules.now.getTime() + FUTURE_SKEW_MS;
    const time = instant.toISOString();
    if (instant.getTime() > latest) {
      throw new DomainError(
        'PLAYOUT_TIME_OUT_OF_RANGE',
        `${field} ${time} is in the future: a record tells what has happened`,
        { field, time, latest: new Date(latest).toISOString() } satisfies TimeOutOfRange,
      );
    }
    if (instant < EARLIEST_RECORD) {
      const earliest = EARLIEST_RECORD.toISOString();
      throw new DomainError(
        'PLAYOUT_TIME_OUT_OF_RANGE',
        `${field} ${time} is before ${earliest}, the earliest record the log takes`,
        { field, time, earliest } satisfies TimeOutOfRange,
      );
    }
  }

  /**
   * A record of an item tells how that item went: it starts around the item's planned time,
   * from a minute before its start to `PLAYOUT_LATE_TOLERANCE_MS` after its end. A claim about
   * an item of another day is refused and leaves the item as it was.
   */
  private assertAroundItem(startedAt: Date, item: ScheduleItem): void {
    const earliest = new Date(item.startsAt.getTime() - ITEM_EARLY_TOLERANCE_MS);
    const latest = new Date(item.endsAt.getTime() + this.rules.lateToleranceMs);
    if (startedAt < earliest || startedAt > latest) {
      throw new DomainError(
        'PLAYOUT_ITEM_TIME_MISMATCH',
        `startedAt ${startedAt.toISOString()} is not around item ${item.id}, planned ` +
          `${item.startsAt.toISOString()} – ${item.endsAt.toISOString()}: a record of it starts ` +
          `between ${earliest.toISOString()} and ${latest.toISOString()}`,
        {
          scheduleItemId: item.id,
          startedAt: startedAt.toISOString(),
          plannedStart: item.startsAt.toISOString(),
          plannedEnd: item.endsAt.toISOString(),
          earliest: earliest.toISOString(),
          latest: latest.toISOString(),
          earlyToleranceMs: ITEM_EARLY_TOLERANCE_MS,
          lateToleranceMs: this.rules.lateToleranceMs,
        } satisfies ItemTimeMismatch,
      );
    }
  }

  private item(id: string): ScheduleItem {
    const item = this.learned(this.lookups.items, id);
    if (!item || item.communeCode !== this.commune.code) {
      throw new DomainError(
        'SCHEDULE_ITEM_NOT_FOUND',
        `Schedule item ${id} not found in commune ${this.commune.code}`,
        { scheduleItemId: id },
      );
    }
    return item;
  }

  private bulletin(id: string): Bulletin {
    const bulletin = this.learned(this.lookups.bulletins, id);
    const visible =
      bulletin &&
      (bulletin.communeCode === this.commune.code ||
        (bulletin.communeCode === null && bulletin.provinceCode === this.commune.provinceCode));
    if (!bulletin || !visible) {
      throw new DomainError(
        'BULLETIN_NOT_FOUND',
        `Bulletin ${id} not found for commune ${this.commune.code}`,
        { bulletinId: id },
      );
    }
    return bulletin;
  }

  /** What `learn` read for `id`; a record naming what was not learned is a caller's mistake. */
  private learned<T>(lookup: ReadonlyMap<string, T>, id: string | null): T | null {
    if (id === null) return null;
    if (!lookup.has(id)) throw new Error(`${id} was not looked up before preparing the record`);
    return lookup.get(id)!;
  }

  /** Throws TOPIC_UNKNOWN naming every code of the record that is not a known topic. */
  private assertKnownTopics(codes: readonly string[]): void {
    if (codes.every((code) => this.lookups.knownTopics.has(code))) return;
    const unknown = codes.filter((code) => !this.lookups.knownTopics.has(code));
    for (const code of unknown) {
      if (!this.lookups.unknownTopics.has(code)) {
        throw new Error(`Topic ${code} was not looked up before preparing the record`);
      }
    }
    throw unknownTopics(unknown);
  }
}
