import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { formatLocalInstant } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { NoticesRepository, NewNotice } from '../notices/notices.repository';
import { User } from '../users/entities/user.entity';
import {
  ApprovalInboxView,
  ApprovalItemView,
  ApprovalSummaryView,
  ChangedBulletinView,
  ReviewResultView,
} from './approval.view';
import { canApproveBulletin, canReadBulletin, isLibrary } from './bulletin-access';
import { bulletinView, BulletinView, PersonView, SendBackHistoryView } from './bulletin.view';
import { BulletinFilter, BulletinRecord, BulletinsRepository } from './bulletins.repository';
import { ReviewBulletinsDto, ReviewDecision } from './dto/review.dto';
import { Bulletin } from './entities/bulletin.entity';
import { SendBackHistory, sendBackHistories, sendBackReason } from './send-back-history';

function view(record: BulletinRecord): BulletinView {
  return bulletinView(record.bulletin, record.topics, record.audio);
}

/** An emergency bulletin waits for no one: it comes before the rest, each kept in its order. */
function emergencyFirst(a: BulletinRecord, b: BulletinRecord): number {
  return Number(b.bulletin.priority === 'emergency') - Number(a.bulletin.priority === 'emergency');
}

function person(user: User): PersonView {
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** The approver is named as the users list names them now, else as the audit trail recorded. */
function sendBackHistoryView(
  history: SendBackHistory,
  people: ReadonlyMap<string, PersonView>,
): SendBackHistoryView {
  const { latest } = history;
  const recorded =
    latest.actorId !== null && latest.actorUsername !== null
      ? { id: latest.actorId, username: latest.actorUsername, displayName: null }
      : null;
  return {
    count: history.count,
    latest: {
      at: formatLocalInstant(latest.at),
      by: people.get(latest.actorId ?? '') ?? recorded,
      reason: sendBackReason(latest),
    },
  };
}

function changedBulletin(bulletin: Bulletin, reviewedRevision: number | null): ChangedBulletinView {
  return {
    bulletinId: bulletin.id,
    title: bulletin.title,
    reviewedRevision,
    revision: bulletin.revision,
  };
}

/**
 * The bulletins edited since the reviewer opened them. To approve, each must name the revision
 * reviewed: approving content nobody heard is what this check exists to stop. To send back, a
 * revision is checked when given: a send-back of a newer revision only returns it to its operator
 * (nothing airs), but its reason was written about the older one.
 */
function changedSinceReviewed(
  records: readonly BulletinRecord[],
  input: ReviewBulletinsDto,
): ChangedBulletinView[] {
  const reviewed = input.revisions ?? {};
  return records.flatMap(({ bulletin }) => {
    const revision = Object.hasOwn(reviewed, bulletin.id) ? reviewed[bulletin.id] : null;
    if (revision === null && input.decision === 'send-back') return [];
    return revision === bulletin.revision ? [] : [changedBulletin(bulletin, revision)];
  });
}

function bulletinsChanged(changed: readonly ChangedBulletinView[]): DomainError {
  const named = changed.map((bulletin) =>
    bulletin.reviewedRevision === null
      ? `"${bulletin.title}" (${bulletin.bulletinId}): no reviewed revision named (now ${bulletin.revision})`
      : `"${bulletin.title}" (${bulletin.bulletinId}): revision ${bulletin.revision}, reviewed ${bulletin.reviewedRevision}`,
  );
  return new DomainError(
    'BULLETIN_CHANGED',
    `Nothing was changed: ${changed.length} bulletin(s) changed since they were reviewed; ` +
      `listen to and read them again: ${named.join('; ')}`,
    { changed },
  );
}

/**
 * Approval: the approver's inbox of drafts, approving or sending back one or many at once (all or
 * nothing), and a notice to the operator who submitted each bulletin.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly db: Db,
    private readonly bulletins: BulletinsRepository,
    private readonly notices: NoticesRepository,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * The drafts the caller may approve and that wait for it: emergencies first, then oldest first
   * (first come, first served). A draft submitted again after a send-back carries that history,
   * so the approver can check that the reason was answered.
   */
  async inbox(actor: AuthUser): Promise<ApprovalInboxView> {
    const bulletins = await this.bulletins.list({
      ...this.inboxScope(actor),
      status: 'draft',
      sentBack: false,
    });
    const records = (await this.bulletins.records(bulletins)).reverse().sort(emergencyFirst);
    const [submitters, sendBacks] = await Promise.all([
      this.people(records.map((record) => record.bulletin.createdBy)),
      this.earlierSendBacks(records.map((record) => record.bulletin)),
    ]);
    const items: ApprovalItemView[] = records.map((record) => ({
      ...view(record),
      submittedBy: submitters.get(record.bulletin.createdBy ?? '') ?? null,
      sendBacks: sendBacks.get(record.bulletin.id) ?? null,
    }));
    return { count: items.length, items };
  }

  /**
   * How each of these bulletins that waits for approval again was sent back before (from the
   * audit trail; the bulletin's own `sentBack*` fields are cleared by the edit that answers it),
   * in a few queries whatever their number. Bulletins in any other state are left out.
   */
  async earlierSendBacks(
    bulletins: readonly Bulletin[],
  ): Promise<Map<string, SendBackHistoryView>> {
    const waiting = bulletins.filter(
      (bulletin) => bulletin.status === 'draft' && !bulletin.sentBackAt,
    );
    if (waiting.length === 0) return new Map();
    const histories = sendBackHistories(
      await this.audit.sendBacksOf(waiting.map((bulletin) => bulletin.id)),
    );
    const approvers = await this.people(
      [...histories.values()].map(({ latest }) => latest.actorId),
    );
    return new Map(
      [...histories].map(([id, history]) => [id, sendBackHistoryView(history, approvers)]),
    );
  }

  async summary(communeCode: string): Promise<ApprovalSummaryView> {
    this.geo.commune(communeCode);
    const [waiting, sentBack, approvers] = await Promise.all([
      this.countDrafts(communeCode, false),
      this.countDrafts(communeCode, true),
      this.db.manager.find(User, {
        where: { role: 'approver', communeCode, disabled: false },
        order: { username: 'ASC' },
      }),
    ]);
    return { communeCode, waiting, sentBack, approvers: approvers.map(person) };
  }

  /**
   * The single-bulletin route: the same checks and notice as a review of one. Given the revision
   * the approver heard and read, an edit made since is refused (409 `BULLETIN_CHANGED`); without
   * it (the pinned route takes no body) the current revision is approved.
   */
  async approveOne(id: string, actor: AuthUser, revision?: number): Promise<BulletinView> {
    return this.db.write(async (manager) => {
      const record = await this.bulletins.findRecord(id, manager, 'update');
      if (!record) throw this.notFound(id);
      const refusal = this.refusal(record, actor, 'approve');
      if (refusal) throw refusal;
      if (revision !== undefined && revision !== record.bulletin.revision) {
        throw bulletinsChanged([changedBulletin(record.bulletin, revision)]);
      }
      if (record.bulletin.status !== 'approved')
        await this.apply(manager, [record], actor, 'approve');
      return view(record);
    });
  }

  /**
   * Approves or sends back every bulletin named, in one transaction. A bulletin that may not be
   * reviewed (unknown, someone else's, edited since the revision reviewed, archived, audio not
   * ready, already reviewed) stops the whole request, named with its reason, and nothing changes.
   */
  async review(input: ReviewBulletinsDto, actor: AuthUser): Promise<ReviewResultView> {
    return this.db.write(async (manager) => {
      const records: BulletinRecord[] = [];
      for (const id of [...input.bulletinIds].sort()) {
        const record = await this.bulletins.findRecord(id, manager, 'update');
        if (!record) throw this.notFound(id);
        if (!canReadBulletin(actor, record.bulletin)) throw this.forbidden(record.bulletin);
        records.push(record);
      }
      const problems = records.flatMap((record) => {
        const refusal = this.refusal(record, actor, input.decision);
        return refusal
          ? [{ bulletinId: record.bulletin.id, code: refusal.code, message: refusal.message }]
          : [];
      });
      const forbidden = problems.find((problem) => problem.code === 'FORBIDDEN');
      if (forbidden) {
        throw new DomainError('FORBIDDEN', `Nothing was changed: ${forbidden.message}`, {
          problems,
        });
      }
      const changed = changedSinceReviewed(records, input);
      if (changed.length > 0) throw bulletinsChanged(changed);
      if (problems.length > 0) {
        throw new DomainError(
          'REVIEW_REFUSED',
          `Nothing was changed: ${problems.length} of ${records.length} bulletin(s) cannot be ` +
            `${input.decision === 'approve' ? 'approved' : 'sent back'}: ` +
            problems.map((problem) => problem.message).join('; '),
          { problems },
        );
      }
      const alreadyApproved = records.filter((record) => record.bulletin.status === 'approved');
      const toChange = records.filter((record) => record.bulletin.status !== 'approved');
      await this.apply(manager, toChange, actor, input.decision, input.reason?.trim());
      const byId = new Map(records.map((record) => [record.bulletin.id, record]));
      return {
        decision: input.decision,
        changed: toChange.length,
        alreadyApproved: alreadyApproved.map((record) => record.bulletin.id),
        bulletins: input.bulletinIds.map((id) => view(byId.get(id)!)),
      };
    });
  }

  // ----- helpers -----

  private inboxScope(actor: AuthUser): Pick<BulletinFilter, 'communeCode' | 'libraryOf'> {
    switch (actor.role) {
      case 'approver':
        return { communeCode: actor.communeCode ?? '' };
      case 'monitor':
        return { libraryOf: actor.provinceCode ?? '' };
      case 'admin':
        return {};
      case 'operator':
        throw new DomainError('FORBIDDEN', 'Operators have no approvals inbox');
    }
  }

  private async countDrafts(communeCode: string, sentBack: boolean): Promise<number> {
    const query = this.db.manager
      .createQueryBuilder(Bulletin, 'bulletin')
      .where('bulletin.communeCode = :communeCode', { communeCode })
      .andWhere("bulletin.status = 'draft'")
      .andWhere(`bulletin.sentBackAt IS ${sentBack ? 'NOT ' : ''}NULL`);
    return query.getCount();
  }

  /** Why this caller may not take this decision on this bulletin, or null. */
  private refusal(
    record: BulletinRecord,
    actor: AuthUser,
    decision: ReviewDecision,
  ): DomainError | null {
    const { bulletin } = record;
    if (!canReadBulletin(actor, bulletin)) return this.forbidden(bulletin);
    if (!canApproveBulletin(actor, bulletin)) {
      return new DomainError(
        'FORBIDDEN',
        isLibrary(bulletin)
          ? `Only a monitor of the bulletin's province or an admin may review library bulletin ${bulletin.id}`
          : `Only an approver of the bulletin's commune or an admin may review bulletin ${bulletin.id}`,
        { bulletinId: bulletin.id },
      );
    }
    if (bulletin.status === 'archived') {
      return new DomainError('BULLETIN_ARCHIVED', `Bulletin ${bulletin.id} is archived`, {
        bulletinId: bulletin.id,
      });
    }
    if (decision === 'approve') {
      if (bulletin.status === 'approved') return null;
      const status = record.audio?.status ?? null;
      if (status !== 'ready' || !record.audio?.durationMs) {
        return new DomainError(
          'AUDIO_NOT_READY',
          `Audio ${bulletin.audioId} of bulletin ${bulletin.id} is not ready (${status ?? 'missing'})`,
          { bulletinId: bulletin.id, audioId: bulletin.audioId, audioStatus: status },
        );
      }
      return null;
    }
    if (bulletin.status !== 'draft' || bulletin.sentBackAt) {
      return new DomainError(
        'BULLETIN_NOT_WAITING',
        `Bulletin ${bulletin.id} is not waiting for approval (${bulletin.sentBackAt ? 'already sent back' : bulletin.status})`,
        { bulletinId: bulletin.id, status: bulletin.status },
      );
    }
    return null;
  }

  /** Changes the bulletins, audits each and tells each submitter (not the reviewer themself). */
  private async apply(
    manager: EntityManager,
    records: readonly BulletinRecord[],
    actor: AuthUser,
    decision: ReviewDecision,
    reason?: string,
  ): Promise<void> {
    if (records.length === 0) return;
    const now = this.clock.now();
    for (const { bulletin } of records) {
      if (decision === 'approve') {
        bulletin.status = 'approved';
        bulletin.approvedBy = actor.id;
        bulletin.approvedAt = now;
        bulletin.sentBackAt = null;
        bulletin.sentBackBy = null;
        bulletin.sentBackReason = null;
      } else {
        bulletin.sentBackAt = now;
        bulletin.sentBackBy = actor.id;
        bulletin.sentBackReason = reason ?? null;
      }
      bulletin.updatedAt = now;
      await manager.save(Bulletin, bulletin);
    }
    await this.audit.recordAll(
      records.map((record) => ({
        action:
          decision === 'approve' ? ('bulletin.approved' as const) : ('bulletin.sent-back' as const),
        actor,
        targetType: 'bulletin',
        targetId: record.bulletin.id,
        communeCode: record.bulletin.communeCode,
        provinceCode: record.bulletin.provinceCode,
        detail: {
          title: record.bulletin.title,
          topics: record.topics,
          ...(reason ? { reason } : {}),
        },
      })),
      manager,
    );
    const reviewer = await manager.findOneBy(User, { id: actor.id });
    const notices: NewNotice[] = records
      .filter(({ bulletin }) => bulletin.createdBy !== null && bulletin.createdBy !== actor.id)
      .map(({ bulletin }) => ({
        userId: bulletin.createdBy!,
        kind: decision === 'approve' ? 'bulletin.approved' : 'bulletin.sent-back',
        bulletinId: bulletin.id,
        title: bulletin.title,
        reason: decision === 'send-back' ? (reason ?? null) : null,
        actorId: actor.id,
        actorName: reviewer?.displayName ?? actor.username,
      }));
    await this.notices.add(manager, notices, now);
  }

  private async people(ids: readonly (string | null)[]): Promise<Map<string, PersonView>> {
    const unique = [...new Set(ids.filter((id): id is string => id !== null))];
    if (unique.length === 0) return new Map();
    const users = await this.db.manager.findBy(User, { id: In(unique) });
    return new Map(users.map((user) => [user.id, person(user)]));
  }

  private notFound(id: string): DomainError {
    return new DomainError('BULLETIN_NOT_FOUND', `Bulletin ${id} not found`, { bulletinId: id });
  }

  private forbidden(bulletin: Bulletin): DomainError {
    return new DomainError('FORBIDDEN', `No read access to bulletin ${bulletin.id}`, {
      bulletinId: bulletin.id,
    });
  }
}
