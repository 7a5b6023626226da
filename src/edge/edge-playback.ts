import { Logger } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Clock } from '../common/clock';
import { ManifestAudio, Receipt, ReceiptFields, receiptInstant } from '../fleet/protocol';
import { CommuneOutputs, OutputHold, StopReason } from '../playout/player/commune-outputs';
import { LiveInput } from '../playout/player/live-input';
import { LivePlayer } from '../playout/player/live-player';
import { playedOutcome } from '../playout/player/play-outcome';
import { PlayControl, Player, PlayResult } from '../playout/player/player';
import { RelayPlayer, RelayResult } from '../playout/player/relay-player';
import type { DecoderProcess } from '../playout/sinks/audio-sinks';
import { SinkTarget } from '../playout/sinks/sink-args';
import { sinkTargetOf } from '../playout/sinks/sink-targets';
import type { AudioCache } from './audio-cache';
import type { EdgeConfig } from './edge-config';
import { edgePolicyViolation, policyRefusalReason } from './edge-policy';
import type { EdgeStore, StoredItem } from './edge-store';
import { relayReceiptNote } from './edge-relay';
import { LiveOrder, liveOutcome, wholeSamples } from './edge-live';

/** Why an item was not played (receipt reasons, Vietnamese: people read them). */
export const EDGE_REASONS = {
  down: 'Cụm loa không hoạt động vào giờ phát (mất điện hoặc phần mềm dừng)',
  diedMidPlay: 'Cụm loa mất điện hoặc phần mềm dừng đột ngột trong khi đang phát',
  notCached: 'Âm thanh chưa có trong bộ nhớ đệm hoặc bị hỏng, không phát tệp chưa kiểm tra',
  tooLate: 'Cụm loa bận, đến lượt thì đã quá giờ phát',
  powerOff: 'Cụm loa đang tắt theo lệnh',
  stoppedBeforeStart: 'Dừng theo lệnh từ máy chủ trước khi phát',
  noLiveStream:
    'Không nhận được luồng phát trực tiếp từ máy chủ (phiên đã kết thúc hoặc mất kết nối)',
} as const;

/** The longest a live play may last here; the server ends the stream well before. */
const LIVE_MAX_MS = 4 * 3600 * 1000;

const TICK_MS = 250;
const PROGRESS_WRITE_MS = 2000;

export interface PlayingNow {
  scheduleItemId: string;
  startedAt: string;
}

/**
 * Plays the local manifest by the local clock from the local cache, whatever the network does.
 * Every item is claimed in the journal before it plays (so nothing plays twice, even across a
 * crash), marked `playing` when its first audio reaches the sink, and closed by a signed receipt.
 * The output has one owner (`CommuneOutputs`): an emergency stops what plays, as on the server.
 */
export class EdgePlayback {
  private readonly logger = new Logger('EdgePlayback');
  private readonly outputs = new CommuneOutputs();
  private readonly stopping = new AbortController();
  private readonly active = new Map<string, Promise<void>>();
  private readonly starts = new Map<string, (startedAt: Date | null) => void>();
  private readonly startWaiters = new Map<string, Promise<Date | null>>();
  private timer: NodeJS.Timeout | null = null;
  private current: { itemId: string; startedAt: Date; abort: (reason: StopReason) => void } | null =
    null;
  private ticking = false;
  power: 'on' | 'off' = 'on';
  /** Output volume in percent, applied by the device sink from the next item on. */
  volume = 100;

  constructor(
    private readonly config: EdgeConfig,
    private readonly deviceId: string,
    private readonly communeCode: string,
    private readonly store: EdgeStore,
    private readonly cache: AudioCache,
    private readonly player: Player,
    private readonly relayPlayer: RelayPlayer,
    private readonly live: { player: LivePlayer; open(url: string): DecoderProcess },
    private readonly clock: Clock,
    private readonly privateKey: KeyObject,
    private readonly onChange: (receipt?: Receipt) => void,
  ) {
    setMaxListeners(0, this.stopping.signal);
  }

  get playing(): PlayingNow | null {
    return this.current
      ? { scheduleItemId: this.current.itemId, startedAt: this.current.startedAt.toISOString() }
      : null;
  }

  /**
   * After a restart, before anything plays: a play that was on air when the process died is
   * `partial` (up to its last progress mark), a claim that never started is given back.
   */
  async recover(): Promise<void> {
    for (const play of (await this.store.plays()).values()) {
      if (play.state === 'pending') await this.store.dropClaim(play.scheduleItemId);
      if (play.state !== 'playing' || play.startedAt === null) continue;
      const endedAt = play.startedAt + play.progressMs;
      await this.settle({
        scheduleItemId: play.scheduleItemId,
        startedAt: receiptInstant(new Date(play.startedAt)),
        endedAt: receiptInstant(new Date(endedAt)),
        playedMs: play.progressMs,
        outcome: play.progressMs > 0 ? 'partial' : 'missed',
        reason: EDGE_REASONS.diedMidPlay,
      });
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    void this.tick();
  }

  /** SIGTERM: stop the timer and what plays (receipted `partial`), then let the process end. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort({ kind: 'shutdown' } satisfies StopReason);
    await Promise.allSettled([...this.active.values()]);
  }

  /** `stop`: what plays now stops (receipted `partial`); items still to come play as planned. */
  stopCurrent(by: 'command' | 'power-off'): boolean {
    if (!this.current) return false;
    this.current.abort({ kind: 'stopped', by });
    return true;
  }

  /**
   * `play-emergency`: plays the item now, before anything else, and resolves with its start
   * (null when it could not start). An item already started or receipted is not played again.
   */
  async playNow(item: StoredItem): Promise<Date | null> {
    const waiting = this.startWaiters.get(item.scheduleItemId);
    if (waiting) return waiting;
    const play = await this.store.play(item.scheduleItemId);
    if (play?.state === 'done' || play?.state === 'playing') {
      return play.startedAt === null ? null : new Date(play.startedAt);
    }
    const startsAt = this.clock.nowMs() + 300;
    return this.begin({ ...item, startsAt }, true) ?? null;
  }

  /**
   * `play-live`: the live speech from the server's stream, at once, before any normal item (an
   * emergency still wins); resolves with its start (null when nothing came). Ends with the
   * stream. A session already played or playing here is not started again.
   */
  async playLive(order: LiveOrder): Promise<Date | null> {
    const waiting = this.startWaiters.get(order.scheduleItemId);
    if (waiting) return waiting;
    const play = await this.store.play(order.scheduleItemId);
    if (play) return play.startedAt === null ? null : new Date(play.startedAt);
    return (await this.track(order.scheduleItemId, () => this.runLive(order))) ?? null;
  }

  /** Items due within the preroll start; items whose time passed while down are `missed`. */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopping.signal.aborted) return;
    this.ticking = true;
    try {
      const now = this.clock.nowMs();
      const plays = await this.store.plays();
      for (const item of await this.store.items()) {
        if (plays.has(item.scheduleItemId) || this.active.has(item.scheduleItemId)) continue;
        if (item.startsAt - now > this.config.prerollMs) break;
        const lateMs = now - item.startsAt;
        if (lateMs > this.config.lateToleranceMs) {
          // Known before its start and never taken: the box was down at its time.
          if (item.firstSeenAt <= item.startsAt) await this.missed(item, EDGE_REASONS.down);
          continue;
        }
        void this.begin(item, item.priority === 'emergency');
      }
    } catch (error) {
      this.logger.error(`Playback tick failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private begin(item: StoredItem, emergency: boolean): Promise<Date | null> | undefined {
    return this.track(item.scheduleItemId, () => this.run(item, emergency));
  }

  /** Runs a play once per item; resolves with its start (null when it did not start). */
  private track(itemId: string, play: () => Promise<void>): Promise<Date | null> | undefined {
    if (this.active.has(itemId)) return this.startWaiters.get(itemId);
    const started = new Promise<Date | null>((resolve) => this.starts.set(itemId, resolve));
    this.startWaiters.set(itemId, started);
    const run = play()
      .catch((error: unknown) => this.logger.error(`Play of ${itemId} failed: ${String(error)}`))
      .finally(() => {
        this.starts.get(itemId)?.(null);
        this.starts.delete(itemId);
        this.startWaiters.delete(itemId);
        this.active.delete(itemId);
      });
    this.active.set(itemId, run);
    return started;
  }

  /** The callbacks of a play: on air (journal, status, `current`), progress marks. */
  private control(itemId: string, hold: OutputHold): PlayControl {
    let lastWrite = 0;
    return {
      signal: hold.controller.signal,
      onStarted: (startedAt) => {
        this.current = { itemId, startedAt, abort: (reason) => hold.controller.abort(reason) };
        void this.store.markPlaying(itemId, startedAt.getTime());
        this.starts.get(itemId)?.(startedAt);
        this.onChange();
      },
      onProgress: (playedMs) => {
        if (playedMs - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = playedMs;
        void this.store.markProgress(itemId, playedMs);
      },
    };
  }

  private async runLive(order: LiveOrder): Promise<void> {
    const itemId = order.scheduleItemId;
    const missed = (reason: string): Promise<void> =>
      this.settle({
        scheduleItemId: itemId,
        startedAt: null,
        endedAt: null,
        playedMs: 0,
        outcome: 'missed',
        reason,
      });
    if (!(await this.store.claimPlay(itemId))) return;
    if (this.power === 'off') return missed(EDGE_REASONS.powerOff);
    const hold = await this.outputs.acquire(
      this.communeCode,
      { itemId, emergency: false, live: true, title: null },
      this.stopping.signal,
    );
    if (!hold) return this.store.dropClaim(itemId);
    const decoder = this.live.open(order.url);
    const input = new LiveInput();
    const cut = wholeSamples();
    decoder.output.on('data', (data: Buffer) => input.push(cut(data)));
    decoder.output.once('close', () => input.end());
    try {
      const result = await this.live.player.playOnOwnSink(
        { target: this.target(itemId, this.clock.now()), maxMs: LIVE_MAX_MS },
        input,
        this.control(itemId, hold),
      );
      if (this.current?.itemId === itemId) this.current = null;
      const reason = hold.controller.signal.reason as StopReason | undefined;
      if (!result.started) {
        if (reason?.kind === 'shutdown') return await this.store.dropClaim(itemId);
        if (reason?.kind === 'stopped') return await missed(EDGE_REASONS.stoppedBeforeStart);
        const exit = result.error ? null : await decoder.exited;
        const why = result.error ?? exit?.stderrTail;
        return await missed(EDGE_REASONS.noLiveStream + (why ? `: ${why.slice(0, 200)}` : ''));
      }
      const played = liveOutcome(playedOutcome(result, reason), order);
      await this.settle({
        scheduleItemId: itemId,
        startedAt: receiptInstant(played.startedAt),
        endedAt: receiptInstant(played.endedAt),
        playedMs: played.playedMs,
        outcome: played.outcome === 'failed' ? 'missed' : played.outcome,
        reason: played.reason,
      });
    } finally {
      decoder.kill();
      hold.release();
    }
  }

  private async run(item: StoredItem, emergency: boolean): Promise<void> {
    if (!(await this.store.claimPlay(item.scheduleItemId))) return;
    if (this.power === 'off') return this.missed(item, EDGE_REASONS.powerOff);
    const violation = edgePolicyViolation(
      await this.store.policy(),
      item,
      await this.store.items(),
      await this.store.plays(),
    );
    if (violation) {
      this.logger.warn(`Item ${item.scheduleItemId} refused: ${violation.message}`);
      return this.missed(item, policyRefusalReason(violation));
    }
    const cached = item.audio !== null && (await this.ensureCached(item, item.audio, emergency));
    // A relay plays without its fallback bulletin rather than not at all.
    if (!cached && !item.relay) return this.missed(item, EDGE_REASONS.notCached);
    for (;;) {
      const hold = await this.outputs.acquire(
        this.communeCode,
        { itemId: item.scheduleItemId, emergency, title: null },
        this.stopping.signal,
      );
      if (!hold) {
        await this.store.dropClaim(item.scheduleItemId);
        return;
      }
      try {
        if (this.clock.nowMs() - item.startsAt > this.config.lateToleranceMs) {
          return await this.missed(item, EDGE_REASONS.tooLate);
        }
        const startsAt = new Date(item.startsAt);
        const result = await this.playOn(
          item,
          cached,
          startsAt,
          this.control(item.scheduleItemId, hold),
        );
        if (this.current?.itemId === item.scheduleItemId) this.current = null;
        const reason = hold.controller.signal.reason as StopReason | undefined;
        if (!result.started) {
          if (reason?.kind === 'preempted') {
            // Wait for the play that took the output (live speech, an emergency): taking it back
            // at once would be preempted again and again, and hold the other up.
            hold.release();
            await this.active.get(reason.byItemId);
            continue;
          }
          if (reason?.kind === 'shutdown') {
            await this.store.dropClaim(item.scheduleItemId);
            return;
          }
          if (reason?.kind === 'stopped')
            return await this.missed(item, EDGE_REASONS.stoppedBeforeStart);
          return await this.missed(item, `Lỗi phát: ${result.error ?? 'không mở được đầu ra'}`);
        }
        hold.release();
        if (result.startErrorMs > 20) {
          this.logger.warn(
            `Item ${item.scheduleItemId} started ${result.startErrorMs.toFixed(1)} ms late`,
          );
        }
        const played = playedOutcome(result, reason);
        const segments = 'segments' in result ? result.segments : undefined;
        return await this.settle({
          scheduleItemId: item.scheduleItemId,
          startedAt: receiptInstant(played.startedAt),
          endedAt: receiptInstant(played.endedAt),
          playedMs: played.playedMs,
          outcome: played.outcome === 'failed' ? 'missed' : played.outcome,
          reason: segments ? relayReceiptNote(played.reason, segments) : played.reason,
          ...(segments ? { segments } : {}),
        });
      } finally {
        hold.release();
      }
    }
  }

  /**
   * The audio in the cache and verified; when it is not, fetched again while there is time
   * (never an unchecked file played).
   */
  private async ensureCached(
    item: StoredItem,
    audio: ManifestAudio,
    emergency: boolean,
  ): Promise<boolean> {
    if (await this.cache.check(audio)) return true;
    this.logger.warn(`Audio ${audio.id} of ${item.scheduleItemId} not in the cache intact`);
    this.onChange();
    // An item waits for its audio until its start; an emergency as long as it may still start
    // late (it arrives at once, often before its audio: better late than not at all).
    const deadline = item.startsAt + (emergency ? this.config.lateToleranceMs : 0);
    const fetched = await Promise.race([
      this.cache.fetch(audio).catch(() => false),
      new Promise<false>((resolve) =>
        setTimeout(() => resolve(false), Math.max(0, deadline - this.clock.nowMs())),
      ),
    ]);
    return fetched && (await this.cache.check(audio));
  }

  /**
   * A bulletin from the cache, or a relay with the server's own relay player: its streams in
   * failover order, then its fallback bulletin from the cache (when `cached`), then silence.
   * With the link down, every stream fails at once and the fallback plays: the segments say so.
   */
  private playOn(
    item: StoredItem,
    cached: boolean,
    startsAt: Date,
    control: PlayControl,
  ): Promise<PlayResult | RelayResult> {
    const target = this.target(item.scheduleItemId, startsAt);
    const { relay, audio } = item;
    if (relay) {
      const fallback =
        cached && audio && relay.fallbackBulletinId
          ? { bulletinId: relay.fallbackBulletinId, renditionPath: this.cache.path(audio.id) }
          : null;
      return this.relayPlayer.play(
        {
          urls: relay.urls,
          fallback,
          startsAt,
          durationMs: item.durationMs,
          target,
          targetLufs: this.config.targetLufs,
          deadAirMs: this.config.deadAirMs,
        },
        control,
      );
    }
    return this.player.play(
      {
        renditionPath: this.cache.path(audio!.id),
        startsAt,
        target,
        durationMs: item.durationMs,
      },
      control,
    );
  }

  private target(itemId: string, startsAt: Date): SinkTarget {
    const target = sinkTargetOf(this.config.sink, this.config.sinkSettings, {
      id: itemId,
      communeCode: this.communeCode,
      startsAt,
    });
    return target.kind === 'device' ? { ...target, volume: this.volume } : target;
  }

  private missed(item: StoredItem, reason: string): Promise<void> {
    return this.settle({
      scheduleItemId: item.scheduleItemId,
      startedAt: null,
      endedAt: null,
      playedMs: 0,
      outcome: 'missed',
      reason,
    });
  }

  private async settle(fields: Omit<ReceiptFields, 'seq' | 'deviceId'>): Promise<void> {
    const receipt = await this.store.appendReceipt(
      { ...fields, deviceId: this.deviceId },
      this.privateKey,
    );
    if (!receipt) return;
    this.logger.log(
      `Receipt ${receipt.seq}: ${receipt.scheduleItemId} ${receipt.outcome} ${receipt.playedMs} ms` +
        (receipt.reason ? ` (${receipt.reason})` : ''),
    );
    this.onChange(receipt);
  }
}
