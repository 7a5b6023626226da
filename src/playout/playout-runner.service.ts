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
import { deadAirAlertText } from './dead-air-alert';
import { PlayoutClaims } from './playout-claims';
import { refusedByPolicy } from './policy-refusal';
import { communeHasDevices } from './receipts/device-communes';
import { StopReason } from './player/commune-outputs';
import { playedOutcome } from './player/play-outcome';
import { PlayControl } from './player/player';
import { OutputPlayResult, StationOutputs } from './player/station-outputs';
import type { OutputPriority } from './player/station-output';
import type { RelayResult } from './player/relay-player';
import { AlertsService } from '../fleet/alerts.service';
import { relayTitle } from '../schedule/schedule-item.view';
import { StreamSource } from '../sources/entities/stream-source.entity';
import { streamRulesOf } from '../sources/pinned-stream-puller';
import { assertSafeSourceUrl } from '../sources/source-urls';
import { sinkTargetFor } from './sinks/sink-targets';

/** What a play job did (the job's return value; tests and the benchmark read it). */
export interface RunSummary {
  scheduleItemId: string;
  action: 'skipped' | 'aired' | 'partial' | 'failed' | 'missed';
  detail?: string;
  startErrorMs?: number;
  /** When the first audio reached the sink against the instant it aired (negative: ahead). */
  arrivalMs?: number;
  /** How long before its planned start the play was placed on the output (the benchmark's). */
  placedAheadMs?: number;
}

const HEARTBEAT_MS = 2000;

type Playable =
  | {
      kind: 'bulletin';
      title: string;
      emergency: boolean;
      priority: OutputPriority;
      renditionPath: string;
      durationMs: number;
    }
  | {
      kind: 'relay';
      title: string;
      emergency: false;
      urls: string[];
      fallback: { bulletinId: string; renditionPath: string } | null;
    };

/** The one dead-air alert of a commune's output: raised on dead air, cleared by a sound play. */
const DEAD_AIR_SUBJECT = 'output';

/**
 * Runs one play job: checks the item is still due, claims it, places it on its commune's
 * continuous output (`StationOutputs`), which starts it at its sample position or when a higher
 * rank lets it, and writes its as-run record. An item whose start passed by more than
 * PLAYOUT_LATE_TOLERANCE_MS is recorded `missed`, never played late. At shutdown, plays are
 * stopped and logged `partial` before the process exits.
 */
@Injectable()
export class PlayoutRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PlayoutRunner.name);
  /** Who holds a claim: this process. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<RunSummary>>();
  /** Plays running here, by item: a job and this process's own timer for it share one. */
  private readonly running = new Map<string, Promise<RunSummary>>();
  /** Items claimed ahead (`claimAhead`) and the timers that will play them. */
  private readonly ahead = new Map<string, NodeJS.Timeout>();
  /** Communes whose next items are being claimed now (one claim-ahead a commune at a time). */
  private readonly claimingAhead = new Set<string>();
  private readonly lease: NodeJS.Timeout;
  private renewing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly claims: PlayoutClaims,
    private readonly recorder: AutomationRecorder,
    private readonly outputs: StationOutputs,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly policy: PolicyChecks,
  ) {
    // Every play listens to the shutdown signal.
    setMaxListeners(0, this.stopping.signal);
    // The lease on the items claimed ahead: one write renews them all.
    this.lease = setInterval(() => this.renewAhead(), HEARTBEAT_MS);
    this.lease.unref();
  }

  run(payload: JobOf<'playout.play'>): Promise<RunSummary> {
    const id = payload.scheduleItemId;
    const already = this.running.get(id);
    if (already) return already;
    const running = this.execute(payload).catch((error: unknown) => {
      this.logger.error(`Play of item ${id} failed: ${String(error)}`);
      throw error;
    });
    this.active.add(running);
    this.running.set(id, running);
    void running
      .finally(() => {
        this.active.delete(running);
        if (this.running.get(id) === running) this.running.delete(id);
      })
      .catch(() => undefined);
    return running;
  }

  /** SIGTERM (or app.close): stop every play, log what aired, then let the process end. */
  async beforeApplicationShutdown(): Promise<void> {
    const reason: StopReason = { kind: 'shutdown' };
    this.stopping.abort(reason);
    clearInterval(this.lease);
    const held = [...this.ahead.keys()];
    for (const timer of this.ahead.values()) clearTimeout(timer);
    this.ahead.clear();
    await Promise.allSettled([...this.active]);
    // Claimed ahead but not begun: another instance may take them.
    if (held.length > 0) await this.claims.release(held, this.owner).catch(() => undefined);
  }

  /**
   * Claims the commune's next items (up to PLAYOUT_CLAIM_AHEAD_MS after `after`) in one write and
   * sets this process's own timers to play them at their preroll, so that their claims are not on
   * their critical path: an item is placed on the output seconds before its start however long
   * the database's write queue is then. Their jobs, here or on another instance, find the claim.
   */
  private claimNext(communeCode: string, after: Date): void {
    const aheadMs = this.config.playout.claimAheadMs;
    if (aheadMs === 0 || this.claimingAhead.has(communeCode) || this.stopping.signal.aborted)
      return;
    this.claimingAhead.add(communeCode);
    const until = new Date(this.clock.nowMs() + aheadMs);
    this.claims
      .claimAhead(communeCode, this.owner, after, until)
      .then((items) => {
        for (const item of items) {
          if (this.stopping.signal.aborted) break;
          const inMs = item.startsAt.getTime() - this.config.playout.prerollMs - this.clock.nowMs();
          const payload = { scheduleItemId: item.id, startsAt: item.startsAt.toISOString() };
          const timer = setTimeout(() => void this.run(payload).catch(() => undefined), inMs);
          this.ahead.set(item.id, timer);
        }
      })
      .catch((error: unknown) =>
        this.logger.warn(`Items of ${communeCode} not claimed ahead: ${String(error)}`),
      )
      .finally(() => this.claimingAhead.delete(communeCode));
  }

  private renewAhead(): void {
    if (this.renewing || this.ahead.size === 0) return;
    this.renewing = true;
    this.claims
      .renew(this.owner, [...this.ahead.keys()])
      .catch(() => undefined)
      .finally(() => (this.renewing = false));
  }

  private async execute(payload: JobOf<'playout.play'>): Promise<RunSummary> {
    const skipped = (detail: string): RunSummary => ({
      scheduleItemId: payload.scheduleItemId,
      action: 'skipped',
      detail,
    });
    if (this.stopping.signal.aborted) return skipped('the service is stopping');
    const aheadTimer = this.ahead.get(payload.scheduleItemId);
    if (aheadTimer) {
      clearTimeout(aheadTimer);
      this.ahead.delete(payload.scheduleItemId);
    }
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
    // Claimed ahead here: a read confirms it is still ours (no wait on the write queue).
    const claimed = aheadTimer
      ? await this.claims.holds(item.id, this.owner)
      : await this.claims.claim(item, this.owner);
    if (!claimed) return skipped('claimed by another player');
    this.claimNext(item.communeCode, item.startsAt);

    let progressMs = 0;
    let beating = false;
    const heartbeat = setInterval(() => {
      // One at a time: on a busy SQLite, beats queued behind each other only lengthen its queue.
      if (beating) return;
      beating = true;
      this.claims
        .heartbeat(item.id, this.owner, progressMs)
        .catch(() => undefined)
        .finally(() => (beating = false));
    }, HEARTBEAT_MS);
    try {
      const playable = item.sourceId ? await this.relayable(item) : await this.playable(item);
      if (typeof playable === 'string') {
        return this.finish(item, this.failedNow(playable));
      }
      // Rules hold at play time too: an import, a bug or a policy tightened since never airs.
      const violation = await this.policy.checkScheduled(this.db.manager, item);
      if (violation) return this.finish(item, refusedByPolicy(violation, this.clock.now()));
      const emergency = item.source === 'emergency' || playable.emergency;
      if (this.lateMs(item) > this.config.playout.lateToleranceMs) {
        return this.finish(item, missedOutcome(item, MISSED_REASONS.tooLate));
      }
      let deadAir = false;
      const control: PlayControl = {
        signal: this.stopping.signal,
        onStarted: (startedAt) => {
          this.claims.started(item.id, this.owner, startedAt).catch(() => undefined);
        },
        onProgress: (playedMs) => (progressMs = playedMs),
        onDeadAir: () => {
          deadAir = true;
          this.raiseDeadAir(item, playable.title);
        },
      };
      const priority: OutputPriority = emergency
        ? 'emergency'
        : playable.kind === 'bulletin'
          ? playable.priority
          : 'normal';
      const placedAheadMs = -this.lateMs(item);
      const result = await this.playOn(item, playable, priority, control);
      if (result.started && !deadAir) this.clearDeadAir(item);
      if (!result.started) {
        if ('missed' in result && result.missed) {
          return this.finish(item, missedOutcome(item, MISSED_REASONS.tooLate));
        }
        if (this.stopping.signal.aborted) {
          await this.claims.release(item.id, this.owner);
          return skipped('the service is stopping');
        }
        return this.finish(item, this.failedNow(result.error ?? 'output did not start'));
      }
      const reason: StopReason | undefined =
        'preemptedBy' in result && result.preemptedBy
          ? {
              kind: 'preempted',
              byItemId: result.preemptedBy.itemId,
              title: result.preemptedBy.title,
              ...(result.preemptedBy.priority === 'live' ? { live: true } : {}),
            }
          : this.stopping.signal.aborted
            ? (this.stopping.signal.reason as StopReason)
            : undefined;
      const segments = 'segments' in result ? { segments: result.segments } : {};
      const summary = await this.finish(
        item,
        { ...playedOutcome(result, reason), ...segments },
        result.startErrorMs,
      );
      return 'arrivalMs' in result
        ? { ...summary, arrivalMs: result.arrivalMs, placedAheadMs }
        : { ...summary, placedAheadMs };
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

  private playOn(
    item: ScheduleItem,
    playable: Playable,
    priority: OutputPriority,
    control: PlayControl,
  ): Promise<OutputPlayResult | RelayResult> {
    const deadAirMs = this.config.playout.deadAirSeconds * 1000;
    const target = sinkTargetFor(this.config, item);
    const onOutput = {
      itemId: item.id,
      communeCode: item.communeCode,
      title: playable.title,
      priority,
    };
    if (playable.kind === 'relay') {
      return this.outputs.playRelay(
        onOutput,
        {
          urls: playable.urls,
          fallback: playable.fallback,
          startsAt: item.startsAt,
          durationMs: item.durationMs,
          target,
          targetLufs: this.config.audio.targetLufs,
          deadAirMs,
        },
        control,
      );
    }
    return this.outputs.playRendition(
      onOutput,
      {
        renditionPath: playable.renditionPath,
        startsAt: item.startsAt,
        target,
        durationMs: playable.durationMs,
        deadAirMs,
      },
      control,
    );
  }

  private raiseDeadAir(item: ScheduleItem, title: string): void {
    this.alerts
      .raise({
        communeCode: item.communeCode,
        kind: 'dead-air',
        subject: DEAD_AIR_SUBJECT,
        message: deadAirAlertText(
          item.communeCode,
          this.config.playout.deadAirSeconds,
          title,
          this.clock.now(),
        ),
      })
      .catch((error: unknown) => this.logger.error(`Dead-air alert not raised: ${String(error)}`));
  }

  private clearDeadAir(item: ScheduleItem): void {
    this.alerts
      .clear({ communeCode: item.communeCode, kind: 'dead-air', subject: DEAD_AIR_SUBJECT })
      .catch((error: unknown) => this.logger.error(`Dead-air alert not cleared: ${String(error)}`));
  }

  /** The bulletin and its processed rendition, or why it cannot play. */
  private async playable(item: ScheduleItem): Promise<Playable | string> {
    const bulletin = await this.db.manager.findOneBy(Bulletin, { id: item.bulletinId! });
    if (!bulletin) return `bulletin ${item.bulletinId} not found`;
    const rendition = await this.rendition(bulletin);
    if (typeof rendition === 'string') return rendition;
    return {
      kind: 'bulletin',
      title: bulletin.title,
      emergency: bulletin.priority === 'emergency',
      priority: bulletin.priority,
      ...rendition,
    };
  }

  /** A bulletin's processed rendition on disk, or why it cannot play. */
  private async rendition(
    bulletin: Bulletin,
  ): Promise<{ renditionPath: string; durationMs: number } | string> {
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
    return { renditionPath, durationMs: asset.durationMs };
  }

  /**
   * A relay's source: its URLs (checked again against the URL rules: DNS may have changed since
   * the source was saved) and its fallback bulletin when that can play.
   */
  private async relayable(item: ScheduleItem): Promise<Playable | string> {
    const source = await this.db.manager.findOneBy(StreamSource, { id: item.sourceId! });
    if (!source) return `source ${item.sourceId} not found`;
    const urls: string[] = [];
    for (const url of source.urls) {
      try {
        urls.push(
          await assertSafeSourceUrl(
            url,
            this.config.sources.allowedHosts,
            streamRulesOf(this.config).lookup,
          ),
        );
      } catch (error) {
        this.logger.warn(`Relay ${item.id}: ${(error as Error).message}`);
      }
    }
    if (urls.length === 0) return `no URL of source "${source.name}" may be relayed`;
    let fallback: { bulletinId: string; renditionPath: string } | null = null;
    if (source.fallbackBulletinId) {
      const bulletin = await this.db.manager.findOneBy(Bulletin, { id: source.fallbackBulletinId });
      const rendition = bulletin ? await this.rendition(bulletin) : 'no fallback bulletin';
      if (bulletin && typeof rendition !== 'string') {
        fallback = { bulletinId: bulletin.id, renditionPath: rendition.renditionPath };
      }
    }
    return { kind: 'relay', title: relayTitle(source.name), emergency: false, urls, fallback };
  }
}
