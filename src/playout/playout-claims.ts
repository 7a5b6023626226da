import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Db } from '../database/db.service';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { PlayoutClaim } from './entities/playout-claim.entity';
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
          await manager.insert(PlayoutClaim, {
            scheduleItemId: item.id,
            attempt: AUTOMATION_ATTEMPT,
            communeCode: item.communeCode,
            owner,
            claimedAt: now,
            outputStartedAt: null,
            progressMs: 0,
            heartbeatAt: now,
          });
        }
        await markDispatched(manager, item.id, now);
        return true;
      },
      { urgent: true },
    );
  }

  async started(itemId: string, owner: string, at: Date): Promise<void> {
    await this.update(itemId, owner, { outputStartedAt: at, heartbeatAt: this.clock.now() });
  }

  async heartbeat(itemId: string, owner: string, progressMs: number): Promise<void> {
    await this.update(itemId, owner, { progressMs, heartbeatAt: this.clock.now() });
  }

  /** Gives the item back (nothing aired): a later job, here or elsewhere, may play it. */
  async release(itemId: string, owner: string): Promise<void> {
    await this.db.write((manager) =>
      manager
        .createQueryBuilder()
        .delete()
        .from(PlayoutClaim)
        .where('schedule_item_id = :itemId AND attempt = :attempt AND owner = :owner', {
          itemId,
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
