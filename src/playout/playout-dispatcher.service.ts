import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { Mutex } from '../common/mutex';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { toInstant } from '../database/columns';
import { jobId, JobOf, jobOptions, QueueName } from '../queue/queue.constants';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { OPEN_ITEM_STATUSES } from '../schedule/program-log.repository';
import { ScheduleChange, ScheduleChanges } from '../schedule/schedule-changes';
import { CLAIM_STALE_MS } from './playout-claims';
import { communeHasDevicesSql } from './receipts/device-communes';

export interface ReconcileResult {
  added: number;
  replaced: number;
  removed: number;
}

type PlayJob = Job<JobOf<'playout.play'>>;

/** A play job found under an item's id; `pending` while waiting or delayed. */
interface QueuedJob {
  job: PlayJob;
  pending: boolean;
}

/** What a reconcile did so far, and the jobs it will add at the end in one `addBulk`. */
class Settling {
  readonly result: ReconcileResult = { added: 0, replaced: 0, removed: 0 };
  readonly additions: { name: 'playout.play'; data: JobOf<'playout.play'>; opts: JobsOptions }[] =
    [];
}

/** The play job id of an item (`play-<itemId>`). */
function playJobId(scheduleItemId: string): string {
  return jobId('playout.play', { scheduleItemId, startsAt: '' });
}
const PENDING_STATES = ['delayed', 'waiting', 'prioritized'] as const;
/** Jobs or items handled between two pauses of the event loop. */
const PAGE = 100;

/** Lets timers (a player about to start) run before the next slice of work. */
function yieldToPlayers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Items looked up in one query. */
const ID_CHUNK = 500;

/** Starts in [fromMs, toMs) want a play job now. */
interface Horizon {
  fromMs: number;
  toMs: number;
}

/**
 * The changed items whose start may fall in the horizon: those the change gives a start for only
 * when it does (a plan of a month ahead asks for a day's items), every item otherwise.
 */
function itemsInHorizon(change: ScheduleChange, horizon: Horizon): string[] {
  const { itemIds, startsAt } = change;
  if (!startsAt || startsAt.length !== itemIds.length) return itemIds;
  return itemIds.filter((_, index) => {
    const start = startsAt[index].getTime();
    return start >= horizon.fromMs && start < horizon.toMs;
  });
}

/**
 * Keeps Redis in step with the program log (the database is the truth): one delayed job
 * `play-<itemId>` per open item starting within the horizon, due `PLAYOUT_PREROLL_MS` before the
 * item. After a program-log change it settles the jobs of the changed items only; on the
 * scheduler's short period it reconciles the whole queue, so an emptied Redis is repaired within
 * seconds. Cancelled or moved items lose or replace their job.
 */
@Injectable()
export class PlayoutDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PlayoutDispatcher.name);
  private readonly mutex = new Mutex();
  private stopListening?: () => void;

  constructor(
    @InjectQueue(QueueName.Playout) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly changes: ScheduleChanges,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.stopListening = this.changes.onChange(async (change) => {
      await this.reconcileChange(change);
      if (change.kind === 'emergency')
        this.logger.log(`Emergency on commune ${change.communeCode}`);
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** Makes the queue hold exactly the jobs the program log calls for. Safe to run anywhere, often. */
  reconcile(): Promise<ReconcileResult> {
    return this.mutex.run(() => this.reconcileNow());
  }

  /**
   * Makes the jobs of the changed items the ones the program log calls for, without reading the
   * whole queue: a campaign plan writing thousands of items costs one bulk add, not a scan of
   * every pending job per commune.
   */
  reconcileChange(change: ScheduleChange): Promise<ReconcileResult> {
    return this.mutex.run(() => this.reconcileItemsNow(change));
  }

  private async reconcileItemsNow(change: ScheduleChange): Promise<ReconcileResult> {
    const now = this.clock.now();
    const horizon = this.horizon(now);
    const inHorizon = itemsInHorizon(change, horizon);
    const due = new Map<string, ScheduleItem>();
    for (let start = 0; start < inHorizon.length; start += ID_CHUNK) {
      const ids = inHorizon.slice(start, start + ID_CHUNK);
      for (const item of await this.dueItems(horizon, now, ids)) due.set(item.id, item);
    }
    // A new item outside the horizon has no job and wants none yet; a changed one may have one.
    const settled = change.kind === 'created' ? inHorizon : change.itemIds;
    const settling = new Settling();
    for (const [index, itemId] of settled.entries()) {
      if (index % PAGE === PAGE - 1) await yieldToPlayers();
      // New items have new ids: no job of theirs can be in the queue yet.
      const queued =
        change.kind === 'created' ? undefined : await this.queuedJob(playJobId(itemId));
      await this.settle(due.get(itemId), queued, settling, now);
    }
    const result = await this.addAll(settling);
    if (result.added + result.replaced + result.removed > 0) {
      this.logger.log(
        `Settled ${change.kind} items of commune ${change.communeCode}: ${result.added} added, ${result.replaced} replaced, ${result.removed} removed`,
      );
    }
    return result;
  }

  private async reconcileNow(): Promise<ReconcileResult> {
    const now = this.clock.now();
    const items = await this.dueItems(this.horizon(now), now);
    const pending = await this.pendingJobs();
    const settling = new Settling();
    const wanted = new Set<string>();
    for (const [index, item] of items.entries()) {
      if (index % PAGE === PAGE - 1) await yieldToPlayers();
      const id = playJobId(item.id);
      wanted.add(id);
      const job = pending.get(id);
      await this.settle(
        item,
        job ? { job, pending: true } : await this.queuedJob(id),
        settling,
        now,
      );
    }
    for (const [id, job] of pending) {
      if (!wanted.has(id)) await this.settle(undefined, { job, pending: true }, settling, now);
    }
    const result = await this.addAll(settling);
    if (result.added + result.replaced + result.removed > 0) {
      this.logger.log(
        `Reconciled: ${result.added} added, ${result.replaced} replaced, ${result.removed} removed`,
      );
    }
    return result;
  }

  /**
   * Brings one item's job in step with the log: `item` is the item when it wants a job (open,
   * due within the horizon, held by no player), `queued` the job under its id. A pending job at
   * the item's start stays; any other is removed (a finished one too: it would block adding the
   * id again) and the wanted job is noted for adding. A job a player has just taken stays.
   */
  private async settle(
    item: ScheduleItem | undefined,
    queued: QueuedJob | undefined,
    settling: Settling,
    now: Date,
  ): Promise<void> {
    if (!item) {
      if (queued?.pending && (await this.removeJob(queued.job))) settling.result.removed += 1;
      return;
    }
    const startsAt = item.startsAt.toISOString();
    if (queued?.pending && queued.job.data.startsAt === startsAt) return;
    if (queued && !(await this.removeJob(queued.job))) return;
    const payload = { scheduleItemId: item.id, startsAt };
    settling.additions.push({
      name: 'playout.play',
      data: payload,
      opts: this.options(item, payload, now),
    });
    if (queued?.pending) settling.result.replaced += 1;
    else settling.result.added += 1;
  }

  /** Adds the noted jobs in one round trip. */
  private async addAll(settling: Settling): Promise<ReconcileResult> {
    if (settling.additions.length > 0) await this.queue.addBulk(settling.additions);
    return settling.result;
  }

  /**
   * The waiting and delayed play jobs, read a page at a time with a pause between pages, so a
   * long queue never holds the event loop while a player in this process is about to start.
   */
  private async pendingJobs(): Promise<Map<string, PlayJob>> {
    const pending = new Map<string, PlayJob>();
    for (const state of PENDING_STATES) {
      for (let start = 0; ; start += PAGE) {
        const page = (await this.queue.getJobs(
          [state],
          start,
          start + PAGE - 1,
          true,
        )) as PlayJob[];
        for (const job of page) {
          if (job?.id && job.name === 'playout.play') pending.set(job.id, job);
        }
        await yieldToPlayers();
        if (page.length < PAGE) break;
      }
    }
    return pending;
  }

  /**
   * Open items from the tolerance ago to the horizon ahead that no live player holds. Items past
   * the tolerance are left to the overdue check, which records them missed. Items of communes
   * with devices are the clusters' to play: no job.
   */
  private dueItems(horizon: Horizon, now: Date, ids?: readonly string[]): Promise<ScheduleItem[]> {
    const query = this.db.manager.createQueryBuilder(ScheduleItem, 'item');
    if (ids) query.where('item.id IN (:...ids)', { ids });
    return query
      .andWhere('item.status IN (:...open)', { open: [...OPEN_ITEM_STATUSES] })
      .andWhere('item.startsAt >= :from', { from: toInstant(new Date(horizon.fromMs)) })
      .andWhere('item.startsAt < :to', { to: toInstant(new Date(horizon.toMs)) })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM playout_claim claim WHERE claim.schedule_item_id = item.id
          AND (claim.output_started_at IS NOT NULL OR claim.heartbeat_at > :fresh))`,
        { fresh: toInstant(new Date(now.getTime() - CLAIM_STALE_MS)) },
      )
      .andWhere(`NOT ${communeHasDevicesSql('item')}`)
      .getMany();
  }

  /** The starts an item may have and want a job: from the tolerance ago to the horizon ahead. */
  private horizon(now: Date): Horizon {
    const { lateToleranceMs, horizonHours } = this.config.playout;
    return {
      fromMs: now.getTime() - lateToleranceMs,
      toMs: now.getTime() + horizonHours * 3600 * 1000,
    };
  }

  private options(item: ScheduleItem, payload: JobOf<'playout.play'>, now: Date) {
    const emergency = item.source === 'emergency';
    const delay = emergency
      ? 0
      : Math.max(0, item.startsAt.getTime() - this.config.playout.prerollMs - now.getTime());
    return jobOptions('playout.play', payload, { delay, ...(emergency ? { priority: 1 } : {}) });
  }

  /** The job under `id` unless a player holds it (active): pending, or finished or failed. */
  private async queuedJob(id: string): Promise<QueuedJob | undefined> {
    const job = (await this.queue.getJob(id)) as PlayJob | undefined;
    if (!job) return undefined;
    const state = await job.getState();
    if ((PENDING_STATES as readonly string[]).includes(state)) return { job, pending: true };
    return state === 'completed' || state === 'failed' ? { job, pending: false } : undefined;
  }

  /** False when the job cannot go (a player has just taken it). */
  private async removeJob(job: PlayJob): Promise<boolean> {
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  }
}
