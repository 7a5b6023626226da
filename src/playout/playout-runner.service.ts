import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { access } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { mediaPaths } from '../media/media-paths';
import { JobOf } from '../queue/queue.constants';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { PolicyChecks } from '../schedule/policy-checks';
import { OPEN_ITEM_STATUSES } from '../schedule/program-log.repository';
import {
  AutomationOutcome,
  AutomationRecorder,
  missedOutcome,
  MISSED_REASONS,
} from './automation-recorder';
import { PlayoutClaims } from './playout-claims';
import { refusedByPolicy } from './policy-refusal';
import { communeHasDevices } from './receipts/device-communes';
import { CommuneOutputs, StopReason } from './player/commune-outputs';
import { playedOutcome } from './player/play-outcome';
import { Player } from './player/player';
import { sinkTargetFor } from './sinks/sink-targets';

/** What a play job did (the job's return value; tests and the benchmark read it). */
export interface RunSummary {
  scheduleItemId: string;
  action: 'skipped' | 'aired' | 'partial' | 'failed' | 'missed';
  detail?: string;
  startErrorMs?: number;
}

const HEARTBEAT_MS = 2000;

interface Playable {
  bulletin: Bulletin;
  renditionPath: string;
  durationMs: number;
}

/**
 * Runs one play job: checks the item is still due, claims it, waits for the commune's output,
 * plays it on time through the configured sink and writes its as-run record. An item whose start
 * passed by more than PLAYOUT_LATE_TOLERANCE_MS is recorded `missed`, never played late. At
 * shutdown, plays are stopped and logged `partial` before the process exits.
 */
@Injectable()
export class PlayoutRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PlayoutRunner.name);
  /** Who holds a claim: this process. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly outputs = new CommuneOutputs();
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<RunSummary>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly claims: PlayoutClaims,
    private readonly recorder: AutomationRecorder,
    private readonly player: Player,
    private readonly clock: Clock,
    private readonly policy: PolicyChecks,
  ) {
    // Every play listens to the shutdown signal.
    setMaxListeners(0, this.stopping.signal);
  }

  run(payload: JobOf<'playout.play'>): Promise<RunSummary> {
    const running = this.execute(payload).catch((error: unknown) => {
      this.logger.error(`Play of item ${payload.scheduleItemId} failed: ${String(error)}`);
      throw error;
    });
    this.active.add(running);
    void running.finally(() => this.active.delete(running)).catch(() => undefined);
    return running;
  }

  /** SIGTERM (or app.close): stop every play, log what aired, then let the process end. */
  async beforeApplicationShutdown(): Promise<void> {
    const reason: StopReason = { kind: 'shutdown' };
    this.stopping.abort(reason);
    await Promise.allSettled([...this.active]);
  }

  private async execute(payload: JobOf<'playout.play'>): Promise<RunSummary> {
    const skipped = (detail: string): RunSummary => ({
      scheduleItemId: payload.scheduleItemId,
      action: 'skipped',
      detail,
    });
    if (this.stopping.signal.aborted) return skipped('the service is stopping');
    const item = await this.db.manager.findOneBy(ScheduleItem, { id: payload.scheduleItemId });
    if (!item || !OPEN_ITEM_STATUSES.includes(item.status)) return skipped('not on the log');
    if (payload.startsAt && item.startsAt.toISOString() !== payload.startsAt) {
      return skipped('moved since the job was made');
    }
    // A job made before the commune's first device enrolled: the clusters play it now.
    if (await communeHasDevices(this.db.manager, item.communeCode)) {
      return skipped("the commune's devices play it");
    }
    if (this.lateMs(item) > this.config.playout.lateToleranceMs) {
      const record = await this.recorder.settleOverdue(item, this.config.playout.lateToleranceMs);
      return record
        ? this.summary(item, record.outcome, MISSED_REASONS.notTaken)
        : skipped('taken elsewhere');
    }
    if (!(await this.claims.claim(item, this.owner))) return skipped('claimed by another player');

    let progressMs = 0;
    const heartbeat = setInterval(() => {
      this.claims.heartbeat(item.id, this.owner, progressMs).catch(() => undefined);
    }, HEARTBEAT_MS);
    try {
      const playable = await this.playable(item);
      if (typeof playable === 'string') {
        return this.finish(item, this.failedNow(playable));
      }
      // Rules hold at play time too: an import, a bug or a policy tightened since never airs.
      const violation = await this.policy.checkScheduled(this.db.manager, item);
      if (violation) return this.finish(item, refusedByPolicy(violation, this.clock.now()));
      const emergency = item.source === 'emergency' || playable.bulletin.priority === 'emergency';
      for (;;) {
        const hold = await this.outputs.acquire(
          item.communeCode,
          { itemId: item.id, emergency, title: playable.bulletin.title },
          this.stopping.signal,
        );
        if (!hold) {
          await this.claims.release(item.id, this.owner);
          return skipped('the service is stopping');
        }
        try {
          if (this.lateMs(item) > this.config.playout.lateToleranceMs) {
            return this.finish(item, missedOutcome(item, MISSED_REASONS.tooLate));
          }
          const result = await this.player.play(
            {
              renditionPath: playable.renditionPath,
              startsAt: item.startsAt,
              target: sinkTargetFor(this.config, item),
              durationMs: playable.durationMs,
            },
            {
              signal: hold.controller.signal,
              onStarted: (startedAt) => {
                this.claims.started(item.id, this.owner, startedAt).catch(() => undefined);
              },
              onProgress: (playedMs) => (progressMs = playedMs),
            },
          );
          const reason = hold.controller.signal.reason as StopReason | undefined;
          if (!result.started) {
            if (reason?.kind === 'preempted') continue;
            if (reason?.kind === 'shutdown') {
              await this.claims.release(item.id, this.owner);
              return skipped('the service is stopping');
            }
            return this.finish(item, this.failedNow(result.error ?? 'output did not start'));
          }
          // Free the output first: an emergency waiting for it starts before this is written.
          hold.release();
          return this.finish(item, playedOutcome(result, reason), result.startErrorMs);
        } finally {
          hold.release();
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private failedNow(error: string): AutomationOutcome {
    const now = this.clock.now();
    return {
      outcome: 'failed',
      startedAt: now,
      endedAt: now,
      playedMs: 0,
      reason: `Lỗi phát: ${error}`,
    };
  }

  private async finish(
    item: ScheduleItem,
    outcome: AutomationOutcome,
    startErrorMs?: number,
  ): Promise<RunSummary> {
    const record = await this.recorder.record(item, outcome);
    if (!record) return { scheduleItemId: item.id, action: 'skipped', detail: 'already recorded' };
    return { ...this.summary(item, record.outcome, record.reason ?? undefined), startErrorMs };
  }

  private summary(item: ScheduleItem, action: RunSummary['action'], detail?: string): RunSummary {
    return { scheduleItemId: item.id, action, detail };
  }

  private lateMs(item: ScheduleItem): number {
    return this.clock.nowMs() - item.startsAt.getTime();
  }

  /** The bulletin and its processed rendition, or why it cannot play. */
  private async playable(item: ScheduleItem): Promise<Playable | string> {
    const bulletin = await this.db.manager.findOneBy(Bulletin, { id: item.bulletinId });
    if (!bulletin) return `bulletin ${item.bulletinId} not found`;
    const asset = await this.db.manager.findOneBy(AudioAsset, { id: bulletin.audioId });
    if (!asset || asset.status !== 'ready' || !asset.durationMs) {
      return `audio ${bulletin.audioId} is not ready`;
    }
    const renditionPath = mediaPaths.rendition(this.config.mediaDir, asset.id);
    try {
      await access(renditionPath);
    } catch {
      return `the rendition of audio ${asset.id} is missing`;
    }
    return { bulletin, renditionPath, durationMs: asset.durationMs };
  }
}
