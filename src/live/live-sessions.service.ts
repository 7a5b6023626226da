import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
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
import { sinkTargetFor } from '../playout/sinks/sink-targets';
import { hoursOverlap } from '../schedule/broadcast-policy';
import { PolicyChecks } from '../schedule/policy-checks';
import { TopicsService } from '../topics/topics.service';
import { User } from '../users/entities/user.entity';
import { OpenLiveDto } from './dto/live.dto';
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
    };

interface Session {
  id: string;
  communeCode: string;
  actor: AuthUser;
  speakerName: string;
  topics: string[];
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
 * `api`); a commune with devices is refused until edge players can pull a live stream.
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
  ) {
    setMaxListeners(0, this.stopping.signal);
  }

  async status(communeCode: string): Promise<LiveStatus> {
    this.forgetExpired();
    const onAir = this.onAir(communeCode);
    const session = this.sessionOf(communeCode);
    return {
      available: this.runner() !== null && !(await communeHasDevices(this.db.manager, communeCode)),
      emergencyOnAir: onAir?.priority === 'emergency',
      interrupts: interruptible(onAir) ? (onAir!.title ?? 'Bản tin đang phát') : null,
      onAir: session ? { id: session.id, speaker: session.speakerName } : null,
      maxSeconds: this.config.live.maxSeconds,
    };
  }

  async open(communeCode: string, input: OpenLiveDto, actor: AuthUser): Promise<OpenedLive> {
    this.forgetExpired();
    const runner = this.runner();
    if (!runner) {
      throw new DomainError(
        'LIVE_UNAVAILABLE',
        'This process does not run the player (APP_ROLES without worker): live announcements need the api and worker roles in one process',
      );
    }
    if (await communeHasDevices(this.db.manager, communeCode)) {
      throw new DomainError(
        'LIVE_DEVICES_UNSUPPORTED',
        'The commune plays through its devices (edge players), which cannot receive live speech yet; record it as a bulletin instead',
      );
    }
    this.assertNoEmergency(communeCode);
    if (this.sessionOf(communeCode)) {
      throw new DomainError('LIVE_ALREADY_ON_AIR', 'The commune already has a live session');
    }
    const policy = await this.policy.forCommune(this.db.manager, communeCode);
    const now = this.clock.nowMs();
    if (policy.quietHours && hoursOverlap(policy.quietHours, now, now + 1)) {
      throw new DomainError(
        'POLICY_QUIET_HOURS',
        `Live announcements respect the quiet hours (${policy.quietHours.from}–${policy.quietHours.to}); an urgent message goes as an emergency`,
        { rule: 'POLICY_QUIET_HOURS', quietHours: policy.quietHours },
      );
    }
    const topics = sortTopics([...new Set(input.topics ?? [])]);
    await this.topics.assertKnown(topics);
    const user = await this.db.manager.findOneBy(User, { id: actor.id });
    const session: Session = {
      id: newId(),
      communeCode,
      actor,
      speakerName: user?.displayName || actor.username,
      topics,
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
      session.playing = this.play(session);
    }
    if (session.recording) session.recording.write(pcm);
    else session.unrecorded.push(pcm);
    session.input.push(pcm);
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
        title: `Phát trực tiếp: ${session.speakerName}`,
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
          title: `Phát trực tiếp: ${session.speakerName}`,
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
      throw new DomainError(
        'LIVE_EMERGENCY_ON_AIR',
        'An emergency bulletin is on air in this commune: live speech waits until it ends',
      );
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

function notStarted(): LiveEvent {
  return {
    type: 'ended',
    outcome: 'not-started',
    playedMs: 0,
    reason: null,
    recordSeq: null,
    audioId: null,
    cutByEmergency: false,
  };
}

export { LiveStatus, OpenedLive } from './live.view';
