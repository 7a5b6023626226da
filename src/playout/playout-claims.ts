import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../common/clock';
import { Db } from '../database/db.service';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { PlayoutClaim } from './entities/playout-claim.entity';
import { OPEN_ITEM_STATUSES } from '../schedule/program-log.repository';
import { AUTOMATION_ATTEMPT } from './log-checks';

/** A claim whose owner has not written for this long is taken to be dead. */
export const CLAIM_STALE_MS = 15000;

/**
 * Claims on the player's attempt of an item, in the database: the one thing that decides, across
 * retries, restarts and instances, who plays an item. Taken before output, kept after it.
 */
@Injectable()
export class PlayoutClaims {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes the item for `owner`. A claim already held is taken over only when its owner went
   * silent before any audio went out (a process that died while waiting to start).
   */
  claim(item: ScheduleItem, owner: string): Promise<boolean> {
    // The play waits on its claim before it may start: ahead of records and heartbeats.
    return this.db.write(
      async (manager) => {
        const now = this.clock.now();
        const existing = await manager.findOneBy(PlayoutClaim, {
          scheduleItemId: item.id,
          attempt: AUTOMATION_ATTEMPT,
        });
        // Claimed ahead by this owner (its item moved, or its job came first): still ours.
        if (existing?.owner === owner && !existing.outputStartedAt) return true;
        if (existing) {
          const silentSince = (existing.heartbeatAt ?? existing.claimedAt).getTime();
          if (existing.outputStartedAt || now.getTime() - silentSince < CLAIM_STALE_MS)
            return false;
          const taken = await manager
            .createQueryBuilder()
            .update(PlayoutClaim)
            .set({ owner, claimedAt: now, heartbeatAt: now, progressMs: 0 })
            .where('schedule_item_id = :id AND attempt = :attempt AND owner = :previous', {
              id: item.id,
              attempt: AUTOMATION_ATTEMPT,
              previous: existing.owner,
            })
            .andWhere('output_started_at IS NULL')
            .execute();
          if (taken.affected === 0) return false;
        } else {
          // Not `insert`: an instance claiming ahead may have taken it since the read (PostgreSQL).
          await manager
            .createQueryBuilder()
            .insert()
            .into(PlayoutClaim)
            .values({
              scheduleItemId: item.id,
              attempt: AUTOMATION_ATTEMPT,
              communeCode: item.communeCode,
              owner,
              claimedAt: now,
              outputStartedAt: null,
              progressMs: 0,
              heartbeatAt: now,
            })
            .orIgnore()
            .execute();
          const mine = await manager.findOneBy(PlayoutClaim, {
            scheduleItemId: item.id,
            attempt: AUTOMATION_ATTEMPT,
          });
          if (mine?.owner !== owner) return false;
        }
        await markDispatched(manager, item.id, now);
        return true;
      },
      { urgent: true },
    );
  }

  /**
   * Claims for `owner`, in one transaction, the commune's open items starting after `from` and
   * up to `until` that nobody holds: the player plays them from its own timers, so their starts
   * wait on no write. Returns what it took.
   */
  claimAhead(
    communeCode: string,
    owner: string,
    from: Date,
    until: Date,
  ): Promise<Pick<ScheduleItem, 'id' | 'startsAt'>[]> {
    return this.db.write(async (manager) => {
      const now = this.clock.now();
      const due = await manager
        .createQueryBuilder(ScheduleItem, 'item')
        .select(['item.id', 'item.startsAt'])
        .where('item.communeCode = :communeCode', { communeCode })
        .andWhere('item.status IN (:...open)', { open: OPEN_ITEM_STATUSES })
        .andWhere('item.startsAt > :from AND item.startsAt <= :until', { from, until })
        .andWhere(
          'NOT EXISTS (SELECT 1 FROM playout_claim claim WHERE claim.schedule_item_id = item.id AND claim.attempt = :attempt)',
          { attempt: AUTOMATION_ATTEMPT },
        )
        .orderBy('item.startsAt', 'ASC')
        .getMany();
      if (due.length === 0) return [];
      // Another instance may claim one of them meanwhile (PostgreSQL): that one stays its.
      await manager
        .createQueryBuilder()
        .insert()
        .into(PlayoutClaim)
        .values(
          due.map((item) => ({
            scheduleItemId: item.id,
            attempt: AUTOMATION_ATTEMPT,
            communeCode,
            owner,
            claimedAt: now,
            outputStartedAt: null,
            progressMs: 0,
            heartbeatAt: now,
          })),
        )
        .orIgnore()
        .execute();
      const ours = new Set(
        (
          await manager.findBy(PlayoutClaim, {
            scheduleItemId: In(due.map((item) => item.id)),
            attempt: AUTOMATION_ATTEMPT,
            owner,
          })
        ).map((claim) => claim.scheduleItemId),
      );
      const taken = due.filter((item) => ours.has(item.id));
      if (taken.length === 0) return [];
      await manager
        .createQueryBuilder()
        .update(ScheduleItem)
        .set({ status: 'dispatched', updatedAt: now })
        .where('id IN (:...ids) AND status = :planned', {
          ids: taken.map((item) => item.id),
          planned: 'planned',
        })
        .execute();
      return taken.map((item) => ({ id: item.id, startsAt: item.startsAt }));
    });
  }

  /** Whether `owner` still holds the item's claim (a read: no wait on the write queue). */
  async holds(itemId: string, owner: string): Promise<boolean> {
    const claim = await this.db.manager.findOneBy(PlayoutClaim, {
      scheduleItemId: itemId,
      attempt: AUTOMATION_ATTEMPT,
    });
    return claim?.owner === owner && claim.outputStartedAt === null;
  }

  /** Keeps `owner`'s claims taken ahead alive (one write for all of them: the player's lease). */
  async renew(owner: string, itemIds: string[]): Promise<void> {
    if (itemIds.length === 0) return;
    await this.db.write((manager) =>
      manager
        .createQueryBuilder()
        .update(PlayoutClaim)
        .set({ heartbeatAt: this.clock.now() })
        .where('owner = :owner AND attempt = :attempt AND schedule_item_id IN (:...itemIds)', {
          owner,
          attempt: AUTOMATION_ATTEMPT,
          itemIds,
        })
        .andWhere('output_started_at IS NULL')
        .execute(),
    );
  }

  async started(itemId: string, owner: string, at: Date): Promise<void> {
    await this.update(itemId, owner, { outputStartedAt: at, heartbeatAt: this.clock.now() });
  }

  async heartbeat(itemId: string, owner: string, progressMs: number): Promise<void> {
    await this.update(itemId, owner, { progressMs, heartbeatAt: this.clock.now() });
  }

  /** Gives items back (nothing aired): a later job, here or elsewhere, may play them. */
  async release(itemIds: string | string[], owner: string): Promise<void> {
    const ids = typeof itemIds === 'string' ? [itemIds] : itemIds;
    if (ids.length === 0) return;
    await this.db.write((manager) =>
      manager
        .createQueryBuilder()
        .delete()
        .from(PlayoutClaim)
        .where('schedule_item_id IN (:...ids) AND attempt = :attempt AND owner = :owner', {
          ids,
          attempt: AUTOMATION_ATTEMPT,
          owner,
        })
        .andWhere('output_started_at IS NULL')
        .execute(),
    );
  }

  private async update(
    itemId: string,
    owner: string,
    values: Partial<PlayoutClaim>,
  ): Promise<void> {
    await this.db.write((manager) =>
      manager
        .createQueryBuilder()
        .update(PlayoutClaim)
        .set(values)
        .where('schedule_item_id = :itemId AND attempt = :attempt AND owner = :owner', {
          itemId,
          attempt: AUTOMATION_ATTEMPT,
          owner,
        })
        .execute(),
    );
  }
}

/** `planned` → `dispatched`: the player has taken the item. */
export async function markDispatched(
  manager: EntityManager,
  itemId: string,
  now: Date,
): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(ScheduleItem)
    .set({ status: 'dispatched', updatedAt: now })
    .where('id = :itemId AND status = :planned', { itemId, planned: 'planned' })
    .execute();
}
