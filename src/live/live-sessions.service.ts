import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { formatLocalInstant } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { MediaService } from '../media/media.service';
import { MediaStorage } from '../media/media-storage';
import { AsRunLedger } from '../playout/as-run-ledger';
import { sortTopics } from '../playout/hash-chain';
import { StopReason } from '../playout/player/commune-outputs';
import { LiveInput } from '../playout/player/live-input';
import { LivePlayer } from '../playout/player/live-player';
import { stopReasonText } from '../playout/player/play-outcome';
import { PlayResult } from '../playout/player/player';
import { StationOutputs } from '../playout/player/station-outputs';
import { PlayoutRunner } from '../playout/playout-runner.service';
import { communeHasDevices } from '../playout/receipts/device-communes';
import { pcmBytesToMs } from '../playout/player/pcm';
import { sinkTargetFor } from '../playout/sinks/sink-targets';
import { checkLiveStart } from '../schedule/broadcast-policy';
import { liveTitle } from '../schedule/schedule-item.view';
import { PolicyChecks } from '../schedule/policy-checks';
import { policyRefusal } from '../schedule/policy-refusal';
import { TopicsService } from '../topics/topics.service';
import { User } from '../users/entities/user.entity';
import { OpenLiveDto } from './dto/live.dto';
import { FleetLive, LiveFleet } from './live-fleet';
import { LiveRecording } from './live-recording';
import { LiveStatus, OpenedLive } from './live.view';

/** A ticket not used to open the socket within this is forgotten. */
const TICKET_TTL_MS = 30_000;
/** No audio from the speaker for this long: the connection is taken as lost. */
const IDLE_MS = 5_000;

export const LIVE_SOCKET_PATH = '/api/v1/live/socket';

/** Why a session ended, beyond the player's own stop reasons. */
type EndCause = 'stopped' | 'connection-lost' | 'bad-frame' | 'shutdown';

/** What the speaker's page is told over the socket. */
export type LiveEvent =
  | { type: 'on-air'; startedAt: string; interrupted: string | null }
  | {
      type: 'ended';
      outcome: 'aired' | 'partial' | 'failed' | 'not-started';
      playedMs: number;
      reason: string | null;
      recordSeq: number | null;
      audioId: string | null;
      cutByEmergency: boolean;
      /** On devices: the live item on the program log (its record comes from their receipts). */
      scheduleItemId: string | null;
    };

interface Session {
  id: string;
  communeCode: string;
  actor: AuthUser;
  speakerName: string;
  topics: string[];
  /** Null: the server's own output; else the devices of these zones (`[]`: every device). */
  devices: { zones: string[] | null } | null;
  fleet: FleetLive | null;
  ticket: string;
  expiresAt: number;
  connected: boolean;
  input: LiveInput;
  recording: LiveRecording | null;
  /** Speech that arrived before the recording's file was open. */
  unrecorded: Buffer[];
  playing: Promise<void> | null;
  ended: Promise<LiveEvent> | null;
  endCause: EndCause | null;
  lastFrameAt: number;
  idleTimer: NodeJS.Timeout | null;
  interrupted: string | null;
  notify(event: LiveEvent): void;
  summary: LiveEvent | null;
}

/**
 * Live announcements (Phát trực tiếp): who may speak and when, the session from its ticket to its
 * record. The speech is a `LiveInput` the player plays at priority `live` on the commune's output
 * (it interrupts normal and priority items; an emergency refuses it and cuts it); it is recorded,
 * kept as an audio asset of the commune (normalized by the media pipeline) and logged as one
 * as-run record with `source: 'live'`. Runs where the player runs (the `worker` role beside
 * `api`). In a commune with devices the speech goes to them instead (`LiveFleet`: an item on the
 * program log, a stream, a command each), and the record comes from their receipts.
 */
@Injectable()
export class LiveSessionsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveSessionsService.name);
  private readonly sessions = new Map<string, Session>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
    private readonly ledger: AsRunLedger,
    private readonly media: MediaService,
    private readonly storage: MediaStorage,
    private readonly topics: TopicsService,
    private readonly policy: PolicyChecks,
    private readonly fleet: LiveFleet,
    private readonly audit: AuditService,
  ) {
    setMaxListeners(0, this.stopping.signal);
  }

  async status(communeCode: string): Promise<LiveStatus> {
    this.forgetExpired();
    const session = this.sessionOf(communeCode);
    if (await communeHasDevices(this.db.manager, communeCode)) {
      return {
        available: true,
        emergencyOnAir: await this.fleet.emergencyOnAir(communeCode),
        interrupts: null,
        onAir: session ? { id: session.id, speaker: session.speakerName } : null,
        maxSeconds: this.config.live.maxSeconds,
        devices: true,
        zones: await this.fleet.zones(communeCode),
      };
    }
    const onAir = this.onAir(communeCode);
    return {
      available: this.runner() !== null,
      emergencyOnAir: onAir?.priority === 'emergency',
      interrupts: interruptible(onAir) ? (onAir!.title ?? 'Bản tin đang phát') : null,
      onAir: session ? { id: session.id, speaker: session.speakerName } : null,
      maxSeconds: this.config.live.maxSeconds,
      devices: false,
      zones: [],
    };
  }

  async open(communeCode: string, input: OpenLiveDto, actor: AuthUser): Promise<OpenedLive> {
    this.forgetExpired();
    const runner = this.runner();
    const zones = input.zones ? [...new Set(input.zones)].sort() : null;
    const devices = (await communeHasDevices(this.db.manager, communeCode)) ? { zones } : null;
    if (devices) {
      await this.fleet.targets(communeCode, zones);
      if (await this.fleet.emergencyOnAir(communeCode)) throw emergencyOnAir();
    } else if (zones) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'zones: the commune has no devices; its live speech plays on its one output',
      );
    } else if (!runner) {
      throw new DomainError(
        'LIVE_UNAVAILABLE',
        'This process does not run the player (APP_ROLES without worker): live announcements need the api and worker roles in one process',
      );
    }
    this.assertNoEmergency(communeCode);
    if (this.sessionOf(communeCode)) {
      throw new DomainError('LIVE_ALREADY_ON_AIR', 'The commune already has a live session');
    }
    const policy = await this.policy.forCommune(this.db.manager, communeCode);
    const now = this.clock.nowMs();
    const refused = checkLiveStart(policy, now);
    if (refused) throw policyRefusal(refused, { quietHours: policy.quietHours });
    const topics = sortTopics([...new Set(input.topics ?? [])]);
    await this.topics.assertKnown(topics);
    const user = await this.db.manager.findOneBy(User, { id: actor.id });
    const session: Session = {
      id: newId(),
      communeCode,
      actor,
      speakerName: user?.displayName || actor.username,
      topics,
      devices,
      fleet: null,
      ticket: randomBytes(24).toString('base64url'),
      expiresAt: now + TICKET_TTL_MS,
      connected: false,
      input: new LiveInput(),
      recording: null,
      unrecorded: [],
      playing: null,
      ended: null,
      endCause: null,
      lastFrameAt: now,
      idleTimer: null,
      interrupted: null,
      notify: () => undefined,
      summary: null,
    };
    this.sessions.set(session.id, session);
    const onAir = this.onAir(communeCode);
    return {
      id: session.id,
      ticket: session.ticket,
      socketPath: LIVE_SOCKET_PATH,
      interrupts: interruptible(onAir) ? (onAir!.title ?? 'Bản tin đang phát') : null,
      maxSeconds: this.config.live.maxSeconds,
    };
  }

  /** The session a socket's ticket opens (once); its events go to `notify`. */
  connect(ticket: string, notify: (event: LiveEvent) => void): string {
    this.forgetExpired();
    const session = [...this.sessions.values()].find(
      (candidate) => candidate.ticket === ticket && !candidate.connected,
    );
    if (!session) {
      throw new DomainError('LIVE_TICKET_INVALID', 'Unknown, used or expired live ticket');
    }
    session.connected = true;
    session.notify = notify;
    session.lastFrameAt = this.clock.nowMs();
    this.watchIdle(session);
    return session.id;
  }

  /** Speech from the speaker: the first frame puts the session on air. */
  audio(sessionId: string, pcm: Buffer): void {
    const session = this.sessions.get(sessionId);
    if (!session || session.endCause) return;
    session.lastFrameAt = this.clock.nowMs();
    if (!session.playing) {
      this.assertNoEmergency(session.communeCode);
      session.playing = session.devices ? this.playOnDevices(session) : this.play(session);
    }
    if (session.recording) session.recording.write(pcm);
    else session.unrecorded.push(pcm);
    if (session.fleet) session.fleet.stream.write(pcm);
    else if (!session.devices) session.input.push(pcm);
  }

  /** The session ends (stop, socket closed, bad frame); resolves with what it amounted to. */
  end(sessionId: string, cause: EndCause): Promise<LiveEvent> {
    const session = this.sessions.get(sessionId);
    if (!session) {
      return Promise.resolve(notStarted());
    }
    session.endCause ??= cause;
    session.ended ??= this.settle(session);
    return session.ended;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort({ kind: 'shutdown' } satisfies StopReason);
    await Promise.allSettled([...this.sessions.keys()].map((id) => this.end(id, 'shutdown')));
  }

  private async play(session: Session): Promise<void> {
    const livePlayer = this.moduleRef.get(LivePlayer, { strict: false });
    const itemId = `live-${session.id}`;
    const before = this.onAir(session.communeCode);
    session.interrupted = interruptible(before) ? before!.title : null;
    const recording = new LiveRecording(await this.storage.newIncomingPath('wav'));
    for (const pcm of session.unrecorded.splice(0)) recording.write(pcm);
    session.recording = recording;
    const result = await livePlayer.play(
      {
        itemId,
        communeCode: session.communeCode,
        title: liveTitle(session.speakerName),
        target: sinkTargetFor(this.config, {
          id: itemId,
          communeCode: session.communeCode,
          startsAt: this.clock.now(),
        }),
        maxMs: this.config.live.maxSeconds * 1000,
      },
      session.input,
      {
        signal: this.stopping.signal,
        onStarted: (startedAt) =>
          session.notify({
            type: 'on-air',
            startedAt: startedAt.toISOString(),
            interrupted: session.interrupted,
          }),
      },
    );
    const reason: StopReason | undefined =
      result.started && result.preemptedBy
        ? {
            kind: 'preempted',
            byItemId: result.preemptedBy.itemId,
            title: result.preemptedBy.title,
          }
        : this.stopping.signal.aborted
          ? (this.stopping.signal.reason as StopReason)
          : undefined;
    session.summary = await this.keep(session, result, reason);
    // Cut by an emergency or at the longest session: the speaker's page is told and let go.
    if (!session.endCause) void this.end(session.id, 'stopped');
  }

  /**
   * On the commune's devices: the item, the stream and the commands at the first words, then the
   * speech goes to the stream until the session ends (or reaches its longest), and the recording
   * is kept. The record is written from the devices' receipts.
   */
  private async playOnDevices(session: Session): Promise<void> {
    const maxMs = this.config.live.maxSeconds * 1000;
    const fleet = await this.fleet.begin(
      {
        id: session.id,
        communeCode: session.communeCode,
        zones: session.devices!.zones,
        topics: session.topics,
      },
      session.actor,
    );
    const recording = new LiveRecording(await this.storage.newIncomingPath('wav'));
    for (const pcm of session.unrecorded.splice(0)) {
      recording.write(pcm);
      fleet.stream.write(pcm);
    }
    session.recording = recording;
    session.fleet = fleet;
    session.notify({
      type: 'on-air',
      startedAt: fleet.item.startsAt.toISOString(),
      interrupted: null,
    });
    const longest = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(maxMs)]);
    // Nothing is pushed to the input here: it resolves when the session ends, or at the longest.
    await session.input.fill(1, longest);
    // The recording is mono: half the bytes of the player's stereo PCM.
    const spokenMs = Math.min(maxMs, pcmBytesToMs(recording.bytes * 2));
    await this.fleet.finish(fleet, spokenMs);
    await recording.close();
    const audioId = await this.keepRecording(session, recording);
    session.summary = {
      type: 'ended',
      outcome: 'aired',
      playedMs: spokenMs,
      reason: session.input.ended ? null : 'Hết thời lượng tối đa của phiên trực tiếp',
      recordSeq: null,
      audioId,
      cutByEmergency: false,
      scheduleItemId: fleet.item.id,
    };
    if (!session.endCause) void this.end(session.id, 'stopped');
  }

  private async settle(session: Session): Promise<LiveEvent> {
    if (session.idleTimer) clearInterval(session.idleTimer);
    // What was said still airs; a shutdown stops the output through `stopping`.
    session.input.end();
    try {
      if (session.playing) await session.playing;
    } catch (error) {
      this.logger.error(`Live session ${session.id} failed: ${String(error)}`);
    } finally {
      this.sessions.delete(session.id);
    }
    const summary = session.summary ?? notStarted();
    session.notify(summary);
    return summary;
  }

  /** Keeps what aired: the recording as an asset, then one as-run record. */
  private async keep(
    session: Session,
    result: PlayResult,
    reason: StopReason | undefined,
  ): Promise<LiveEvent> {
    const recording = session.recording!;
    await recording.close();
    if (!result.started) {
      await this.storage.remove(recording.path);
      return notStarted();
    }
    const audioId = await this.keepRecording(session, recording);
    const cutByEmergency = reason?.kind === 'preempted' && !reason.live;
    const outcome = cutByEmergency || !result.completed ? 'partial' : 'aired';
    const why =
      outcome === 'aired'
        ? session.endCause === 'connection-lost'
          ? 'Mất kết nối với người nói: phiên tự kết thúc'
          : null
        : (stopReasonText(reason, result.error) ?? 'Hết thời lượng tối đa của phiên trực tiếp');
    const record = await this.db.write(async (manager) => {
      const head = await this.ledger.lockHead(manager, session.communeCode);
      const [written] = await this.ledger.append(manager, head, [
        {
          communeCode: session.communeCode,
          scheduleItemId: null,
          attempt: 1,
          bulletinId: null,
          title: liveTitle(session.speakerName),
          topics: session.topics,
          startedAt: result.startedAt,
          endedAt: result.endedAt,
          playedMs: result.playedMs,
          outcome,
          source: 'live',
          correctsSeq: null,
          reason: why,
          createdBy: session.actor.id,
        },
      ]);
      await this.audit.record(
        {
          action: 'live.aired',
          actor: session.actor,
          targetType: 'playout_record',
          targetId: written.id,
          communeCode: session.communeCode,
          detail: {
            sessionId: session.id,
            topics: session.topics,
            seq: written.seq,
            outcome,
            playedMs: result.playedMs,
            audioId,
          },
        },
        manager,
      );
      return written;
    });
    return {
      type: 'ended',
      outcome,
      playedMs: result.playedMs,
      reason: why,
      recordSeq: record.seq,
      audioId,
      cutByEmergency,
      scheduleItemId: null,
    };
  }

  /** The recording as an audio asset of the commune (normalized like any upload); null if refused. */
  private async keepRecording(session: Session, recording: LiveRecording): Promise<string | null> {
    try {
      const file = await this.storage.describe(recording.path);
      const stamp = formatLocalInstant(this.clock.now()).slice(0, 19).replace(/[-:]/g, '');
      const { asset } = await this.media.upload(
        this.media.communeOwner(session.communeCode),
        { ...file, originalName: `phat-truc-tiep-${stamp}-${session.id.slice(0, 8)}.wav` },
        session.actor,
      );
      return asset.id;
    } catch (error) {
      this.logger.warn(`Recording of live session ${session.id} not kept: ${String(error)}`);
      await this.storage.remove(recording.path);
      return null;
    }
  }

  private watchIdle(session: Session): void {
    session.idleTimer = setInterval(() => {
      if (this.clock.nowMs() - session.lastFrameAt > IDLE_MS) {
        void this.end(session.id, 'connection-lost');
      }
    }, 1000);
    session.idleTimer.unref();
  }

  private assertNoEmergency(communeCode: string): void {
    if (this.onAir(communeCode)?.priority === 'emergency') {
      throw emergencyOnAir();
    }
  }

  private sessionOf(communeCode: string): Session | undefined {
    return [...this.sessions.values()].find((session) => session.communeCode === communeCode);
  }

  private forgetExpired(): void {
    const now = this.clock.nowMs();
    for (const session of this.sessions.values()) {
      if (!session.connected && session.expiresAt < now) this.sessions.delete(session.id);
    }
  }

  /** What the commune's output airs now (in this process), if anything. */
  private onAir(communeCode: string): OnAir | null {
    if (!this.runner()) return null;
    return this.moduleRef.get(StationOutputs, { strict: false }).onAir(communeCode);
  }

  /** The player of this process, when it runs one (the `worker` role). */
  private runner(): PlayoutRunner | null {
    try {
      return this.moduleRef.get(PlayoutRunner, { strict: false });
    } catch {
      return null;
    }
  }
}

type OnAir = ReturnType<StationOutputs['onAir']>;

/** What live speech cuts into (anything but an emergency: that refuses it). */
function interruptible(onAir: OnAir): boolean {
  return onAir !== null && onAir.priority !== 'emergency' && onAir.priority !== 'live';
}

function emergencyOnAir(): DomainError {
  return new DomainError(
    'LIVE_EMERGENCY_ON_AIR',
    'An emergency bulletin is on air in this commune: live speech waits until it ends',
  );
}

function notStarted(): LiveEvent {
  return {
    type: 'ended',
    outcome: 'not-started',
    playedMs: 0,
    reason: null,
    recordSeq: null,
    audioId: null,
    cutByEmergency: false,
    scheduleItemId: null,
  };
}

export { LiveStatus, OpenedLive } from './live.view';
