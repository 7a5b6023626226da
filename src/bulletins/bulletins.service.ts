import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { changedFields } from '../auth/audit-changes';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { formatLocalInstant } from '../common/local-time';
import { changedText } from '../common/text';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { ProgramLogRepository } from '../schedule/program-log.repository';
import { ScheduleChanges } from '../schedule/schedule-changes';
import { TopicsService } from '../topics/topics.service';
import { canEditBulletin, canReadBulletin } from './bulletin-access';
import { ApprovalsService } from './approvals.service';
import {
  BulletinChangeView,
  bulletinView,
  BulletinView,
  BulletinWithSendBacksView,
  CancelledItemView,
} from './bulletin.view';
import { BulletinRecord, BulletinsRepository } from './bulletins.repository';
import { CreateBulletinDto, ListBulletinsQueryDto, UpdateBulletinDto } from './dto/bulletin.dto';
import { Bulletin } from './entities/bulletin.entity';

/** Who owns a new bulletin: a commune, or a province's library. */
type Owner =
  { communeCode: string; provinceCode: string } | { communeCode: null; provinceCode: string };

function view(record: BulletinRecord): BulletinView {
  return bulletinView(record.bulletin, record.topics, record.audio);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((code) => right.has(code));
}

/** What a bulletin edit may change, as the audit trail lists it (the text body included). */
const BULLETIN_FIELDS = ['title', 'body', 'priority', 'audioId', 'topics'] as const;

/** Bulletins: content, topic tags, approval, the province library. */
@Injectable()
export class BulletinsService {
  constructor(
    private readonly db: Db,
    private readonly bulletins: BulletinsRepository,
    private readonly programLog: ProgramLogRepository,
    private readonly changes: ScheduleChanges,
    private readonly topics: TopicsService,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly approvals: ApprovalsService,
    private readonly clock: Clock,
  ) {}

  createForCommune(
    communeCode: string,
    input: CreateBulletinDto,
    actor: AuthUser,
  ): Promise<BulletinView> {
    const commune = this.geo.commune(communeCode);
    return this.create({ communeCode, provinceCode: commune.provinceCode }, input, actor);
  }

  createForProvince(
    provinceCode: string,
    input: CreateBulletinDto,
    actor: AuthUser,
  ): Promise<BulletinView> {
    this.geo.province(provinceCode);
    return this.create({ communeCode: null, provinceCode }, input, actor);
  }

  async listForCommune(
    communeCode: string,
    query: ListBulletinsQueryDto,
  ): Promise<BulletinWithSendBacksView[]> {
    const commune = this.geo.commune(communeCode);
    const bulletins = await this.bulletins.list({
      communeCode,
      includeLibraryOf: query.includeLibrary ? commune.provinceCode : undefined,
      status: query.status,
      topic: query.topic,
    });
    return this.withSendBacks(await this.bulletins.records(bulletins));
  }

  async listLibrary(
    provinceCode: string,
    query: ListBulletinsQueryDto,
  ): Promise<BulletinWithSendBacksView[]> {
    this.geo.province(provinceCode);
    const bulletins = await this.bulletins.list({
      libraryOf: provinceCode,
      status: query.status,
      topic: query.topic,
    });
    return this.withSendBacks(await this.bulletins.records(bulletins));
  }

  async get(id: string, actor: AuthUser): Promise<BulletinWithSendBacksView> {
    const record = await this.bulletins.findRecord(id);
    if (!record) throw this.notFound(id);
    if (!canReadBulletin(actor, record.bulletin)) throw this.forbidden(record.bulletin, 'read');
    const [withSendBacks] = await this.withSendBacks([record]);
    return withSendBacks;
  }

  /**
   * Edits a bulletin. A new audio, another text, a different set of topics or a raise to
   * `emergency` changes what was approved: the bulletin goes back to draft and its future items
   * come off the log (both reported). An emergency airs at once, outside windows, quiet hours and
   * the daily limit, so an approver must have approved it as one. A new title, or another priority
   * that is not `emergency` (`normal` ↔ `priority` only orders items inside the rules; lowering an
   * emergency takes its exemptions away), does not (the as-run log keeps the title that aired).
   * `dryRun` answers what the edit would do and writes nothing.
   */
  async update(
    id: string,
    input: UpdateBulletinDto,
    actor: AuthUser,
    dryRun = false,
  ): Promise<BulletinChangeView> {
    const run = dryRun ? this.db.rehearse.bind(this.db) : this.db.write.bind(this.db);
    const outcome = await run(async (manager) => {
      const record = await this.editable(manager, id, actor);
      const { bulletin } = record;
      const before = { ...bulletin, topics: record.topics };
      const now = this.clock.now();
      const topicsChanged = input.topics !== undefined && !sameSet(input.topics, record.topics);
      const audioChanged = input.audioId !== undefined && input.audioId !== bulletin.audioId;
      // By value: an empty text is no text, as a cleared one is stored (null).
      const body = changedText(input.body, bulletin.body);
      const bodyChanged = (body ?? '') !== (bulletin.body ?? '');
      const raisedToEmergency = input.priority === 'emergency' && bulletin.priority !== 'emergency';
      if (input.topics) await this.topics.assertKnown(input.topics, manager);
      let audio = record.audio;
      if (audioChanged && input.audioId) {
        audio = await this.usableAudio(manager, input.audioId, bulletin);
        bulletin.audioId = input.audioId;
      }
      bulletin.title = input.title ?? bulletin.title;
      if (bodyChanged) bulletin.body = body;
      bulletin.priority = input.priority ?? bulletin.priority;
      bulletin.updatedAt = now;
      // An edit answers the approver's sending back: the draft waits for approval again.
      bulletin.sentBackAt = null;
      bulletin.sentBackBy = null;
      bulletin.sentBackReason = null;
      const returnedToDraft =
        bulletin.status === 'approved' &&
        (topicsChanged || audioChanged || bodyChanged || raisedToEmergency);
      let cancelled: ScheduleItem[] = [];
      if (returnedToDraft) {
        bulletin.status = 'draft';
        bulletin.approvedBy = null;
        bulletin.approvedAt = null;
        cancelled = await this.takeOffLog(
          manager,
          bulletin,
          'Bản tin được sửa sau khi duyệt nên trở về bản nháp',
          actor,
          'bulletin.unapproved',
          {
            changed: [
              topicsChanged ? 'topics' : null,
              audioChanged ? 'audio' : null,
              bodyChanged ? 'body' : null,
              raisedToEmergency ? 'priority' : null,
            ].filter(Boolean),
          },
        );
      }
      const topics = input.topics ? [...new Set(input.topics)].sort() : record.topics;
      const changes = changedFields(before, { ...bulletin, topics }, BULLETIN_FIELDS);
      // An approver who opened the earlier revision must not approve this one unseen.
      if (Object.keys(changes).length > 0) bulletin.revision += 1;
      await manager.save(Bulletin, bulletin);
      // Items that stay on the log show the new title or priority; those that ran keep theirs.
      if (bulletin.title !== before.title || bulletin.priority !== before.priority) {
        await this.programLog.followBulletin(manager, bulletin, now);
      }
      if (topicsChanged) await this.bulletins.replaceTopics(manager, bulletin.id, topics);
      if (Object.keys(changes).length > 0) {
        await this.audit.record(
          {
            action: 'bulletin.updated',
            actor,
            targetType: 'bulletin',
            targetId: bulletin.id,
            communeCode: bulletin.communeCode,
            provinceCode: bulletin.provinceCode,
            detail: { changes },
          },
          manager,
        );
      }
      return { record: { bulletin, topics, audio }, returnedToDraft, cancelled };
    });
    if (!dryRun) this.emitCancelled(outcome.cancelled);
    return {
      ...this.changeView(outcome.record, outcome.returnedToDraft, outcome.cancelled),
      dryRun,
    };
  }

  /**
   * Retires a bulletin: it cannot be scheduled any more and its future items come off the log.
   * `dryRun` answers which items would (the archive dialog counts them) and writes nothing.
   */
  async archive(id: string, actor: AuthUser, dryRun = false): Promise<BulletinChangeView> {
    const run = dryRun ? this.db.rehearse.bind(this.db) : this.db.write.bind(this.db);
    const outcome = await run(async (manager) => {
      const record = await this.editable(manager, id, actor);
      const { bulletin } = record;
      const now = this.clock.now();
      const cancelled = await this.takeOffLog(
        manager,
        bulletin,
        'Bản tin đã được lưu trữ',
        actor,
        'bulletin.archived',
        { previousStatus: bulletin.status },
      );
      bulletin.status = 'archived';
      bulletin.updatedAt = now;
      await manager.save(Bulletin, bulletin);
      return { record, cancelled };
    });
    if (!dryRun) this.emitCancelled(outcome.cancelled);
    return { ...this.changeView(outcome.record, false, outcome.cancelled), dryRun };
  }

  /** Deletes a bulletin that never reached the program log; otherwise archive it. */
  async delete(id: string, actor: AuthUser): Promise<void> {
    await this.db.write(async (manager) => {
      const bulletin = await this.bulletins.find(id, manager, 'update');
      if (!bulletin) throw this.notFound(id);
      if (!canReadBulletin(actor, bulletin)) throw this.forbidden(bulletin, 'read');
      if (!canEditBulletin(actor, bulletin)) throw this.forbidden(bulletin, 'write');
      // The as-run log names bulletins in hashed records: a bulletin that aired (or was
      // recorded by hand, without an item) stays, archived, so that every record still says what
      // played.
      const items = await manager.countBy(ScheduleItem, { bulletinId: id });
      const records = await manager.countBy(PlayoutRecord, { bulletinId: id });
      if (items > 0 || records > 0) {
        throw new DomainError(
          'BULLETIN_IN_USE',
          `Bulletin ${id} is named by ${items} item(s) of the program log and ${records} ` +
            'as-run record(s): it cannot be deleted; archive it instead (POST /bulletins/:id/archive)',
          { bulletinId: id, items, records },
        );
      }
      await manager.delete(Bulletin, { id });
      await this.audit.record(
        {
          action: 'bulletin.deleted',
          actor,
          targetType: 'bulletin',
          targetId: id,
          communeCode: bulletin.communeCode,
          provinceCode: bulletin.provinceCode,
          detail: { title: bulletin.title, status: bulletin.status },
        },
        manager,
      );
    });
  }

  // ----- helpers -----

  /** The views, a draft waiting for approval again with how it was sent back before. */
  private async withSendBacks(
    records: readonly BulletinRecord[],
  ): Promise<BulletinWithSendBacksView[]> {
    const sendBacks = await this.approvals.earlierSendBacks(
      records.map((record) => record.bulletin),
    );
    return records.map((record) => ({
      ...view(record),
      sendBacks: sendBacks.get(record.bulletin.id) ?? null,
    }));
  }

  private async create(
    owner: Owner,
    input: CreateBulletinDto,
    actor: AuthUser,
  ): Promise<BulletinView> {
    return this.db.write(async (manager) => {
      await this.topics.assertKnown(input.topics, manager);
      const audio = await this.usableAudio(manager, input.audioId, owner);
      const now = this.clock.now();
      const bulletin: Bulletin = {
        id: newId(),
        ownerCode: owner.communeCode ?? owner.provinceCode,
        communeCode: owner.communeCode,
        provinceCode: owner.provinceCode,
        title: input.title,
        body: input.body ?? null,
        audioId: input.audioId,
        priority: input.priority ?? 'normal',
        status: 'draft',
        approvedBy: null,
        approvedAt: null,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
        revision: 1,
        demo: false,
      };
      await manager.insert(Bulletin, bulletin);
      const topics = [...new Set(input.topics)].sort();
      await this.bulletins.replaceTopics(manager, bulletin.id, topics);
      await this.audit.record(
        {
          action: 'bulletin.created',
          actor,
          targetType: 'bulletin',
          targetId: bulletin.id,
          communeCode: bulletin.communeCode,
          provinceCode: bulletin.provinceCode,
          detail: {
            title: bulletin.title,
            topics,
            audioId: bulletin.audioId,
            priority: bulletin.priority,
          },
        },
        manager,
      );
      return bulletinView(bulletin, topics, audio);
    });
  }

  /** The bulletin, checked to exist, to be the caller's to change, and not archived. */
  private async editable(
    manager: EntityManager,
    id: string,
    actor: AuthUser,
  ): Promise<BulletinRecord> {
    const record = await this.bulletins.findRecord(id, manager, 'update');
    if (!record) throw this.notFound(id);
    if (!canReadBulletin(actor, record.bulletin)) throw this.forbidden(record.bulletin, 'read');
    if (!canEditBulletin(actor, record.bulletin)) throw this.forbidden(record.bulletin, 'write');
    this.assertNotArchived(record.bulletin);
    return record;
  }

  /** A commune bulletin may use the commune's audio or the library's; a library bulletin only the library's. */
  private async usableAudio(
    manager: EntityManager,
    audioId: string,
    owner: Pick<Bulletin, 'communeCode' | 'provinceCode'>,
  ): Promise<AudioAsset> {
    const audio = await manager.findOneBy(AudioAsset, { id: audioId });
    const fromLibrary = audio?.communeCode === null && audio.provinceCode === owner.provinceCode;
    const fromCommune = owner.communeCode !== null && audio?.communeCode === owner.communeCode;
    if (!audio || !(fromLibrary || fromCommune)) {
      const where =
        owner.communeCode === null
          ? `the library of province ${owner.provinceCode}`
          : `commune ${owner.communeCode} or the library of province ${owner.provinceCode}`;
      throw new DomainError('AUDIO_NOT_AVAILABLE', `Audio ${audioId} is not an asset of ${where}`, {
        audioId,
      });
    }
    if (audio.status === 'failed') {
      throw new DomainError(
        'AUDIO_NOT_READY',
        `Audio ${audioId} failed processing: ${audio.error ?? 'unknown error'}`,
        {
          audioId,
          audioStatus: audio.status,
        },
      );
    }
    return audio;
  }

  private assertNotArchived(bulletin: Bulletin): void {
    if (bulletin.status === 'archived') {
      throw new DomainError('BULLETIN_ARCHIVED', `Bulletin ${bulletin.id} is archived`, {
        bulletinId: bulletin.id,
      });
    }
  }

  /** Cancels the bulletin's future open items in every commune and audits it. */
  private async takeOffLog(
    manager: EntityManager,
    bulletin: Bulletin,
    reason: string,
    actor: AuthUser,
    action: 'bulletin.unapproved' | 'bulletin.archived',
    detail: Record<string, unknown>,
  ): Promise<ScheduleItem[]> {
    const now = this.clock.now();
    const items = await this.programLog.futureOpenItems(manager, { bulletinId: bulletin.id }, now);
    for (const communeCode of [...new Set(items.map((item) => item.communeCode))].sort()) {
      await this.programLog.lock(manager, communeCode, now);
    }
    await this.programLog.cancel(manager, items, reason, now);
    await this.audit.record(
      {
        action,
        actor,
        targetType: 'bulletin',
        targetId: bulletin.id,
        communeCode: bulletin.communeCode,
        provinceCode: bulletin.provinceCode,
        detail: { ...detail, title: bulletin.title, cancelledItems: items.map((item) => item.id) },
      },
      manager,
    );
    return items;
  }

  private emitCancelled(items: readonly ScheduleItem[]): void {
    const byCommune = new Map<string, string[]>();
    for (const item of items) {
      byCommune.set(item.communeCode, [...(byCommune.get(item.communeCode) ?? []), item.id]);
    }
    for (const [communeCode, itemIds] of byCommune) {
      this.changes.emit({ communeCode, kind: 'cancelled', itemIds });
    }
  }

  private changeView(
    record: BulletinRecord,
    returnedToDraft: boolean,
    cancelled: readonly ScheduleItem[],
  ): BulletinChangeView {
    const cancelledItems: CancelledItemView[] = cancelled.map((item) => ({
      id: item.id,
      communeCode: item.communeCode,
      startsAt: formatLocalInstant(item.startsAt),
    }));
    return { ...view(record), returnedToDraft, cancelledItems, dryRun: false };
  }

  private notFound(id: string): DomainError {
    return new DomainError('BULLETIN_NOT_FOUND', `Bulletin ${id} not found`, { bulletinId: id });
  }

  /** Names the bulletin the caller asked for, never its owner (a commune or a province library). */
  private forbidden(bulletin: Bulletin, mode: 'read' | 'write'): DomainError {
    return new DomainError('FORBIDDEN', `No ${mode} access to bulletin ${bulletin.id}`, {
      bulletinId: bulletin.id,
    });
  }
}
