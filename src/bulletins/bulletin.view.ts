import { formatLocalInstant } from '../common/local-time';
import { AudioAsset, LoudnessWarning } from '../media/entities/audio-asset.entity';
import { Bulletin, BulletinPriority, BulletinStatus } from './entities/bulletin.entity';

export class BulletinView {
  id!: string;
  communeCode!: string | null;
  provinceCode!: string;
  /** True for the province library. */
  library!: boolean;
  title!: string;
  body!: string | null;
  topics!: string[];
  audioId!: string;
  audioStatus!: AudioAsset['status'] | null;
  /** Set when the audio could not be brought to the loudness target (too quiet a recording). */
  audioLoudnessWarning!: AudioLoudnessWarningView | null;
  durationMs!: number | null;
  priority!: BulletinPriority;
  status!: BulletinStatus;
  approvedBy!: string | null;
  approvedAt!: string | null;
  /** The approver sent the draft back: when and why (it waits for the operator's change). */
  sentBack!: { at: string; by: string | null; reason: string | null } | null;
  createdBy!: string | null;
  createdAt!: string;
  updatedAt!: string;
  /**
   * One more at each edit of the title, text, audio, topics or priority: a review names the
   * revision the approver heard and read, and is refused when the bulletin changed since.
   */
  revision!: number;
}

/** A person as the web app names them. */
export class PersonView {
  id!: string;
  username!: string;
  displayName!: string | null;
}

/** One time the approver sent a bulletin back: when, who, why. */
export class SendBackView {
  at!: string;
  /** Null when the audit trail names no user (none is expected). */
  by!: PersonView | null;
  reason!: string | null;
}

/** How often a bulletin was sent back before, and the latest time, so its fix can be checked. */
export class SendBackHistoryView {
  /** Every send-back of the bulletin, the latest included. */
  count!: number;
  latest!: SendBackView;
}

/** A bulletin as the read routes give it: a draft waiting again says how it was sent back before. */
export class BulletinWithSendBacksView extends BulletinView {
  /**
   * The send-backs of a draft that waits for approval again after the operator's change (the
   * audit trail keeps them); null for any other bulletin.
   */
  sendBacks!: SendBackHistoryView | null;
}

export class AudioLoudnessWarningView {
  warning!: LoudnessWarning;
  /** What the rendition reached (LUFS). */
  integratedLufs!: number;
  targetLufs!: number;
}

/** A schedule item taken off the log as a consequence of a change to its bulletin. */
export class CancelledItemView {
  id!: string;
  communeCode!: string;
  startsAt!: string;
}

export class BulletinChangeView extends BulletinView {
  /** The change sent an approved bulletin back to draft. */
  returnedToDraft!: boolean;
  /** Future items taken off the log because of the change. */
  cancelledItems!: CancelledItemView[];
  /** True when nothing was written (`?dryRun=true`). */
  dryRun!: boolean;
}

export function bulletinView(
  bulletin: Bulletin,
  topics: readonly string[],
  audio: Pick<
    AudioAsset,
    'status' | 'durationMs' | 'loudnessWarning' | 'integratedLufs' | 'targetLufs'
  > | null,
): BulletinView {
  return {
    id: bulletin.id,
    communeCode: bulletin.communeCode,
    provinceCode: bulletin.provinceCode,
    library: bulletin.communeCode === null,
    title: bulletin.title,
    body: bulletin.body,
    topics: [...topics].sort(),
    audioId: bulletin.audioId,
    audioStatus: audio?.status ?? null,
    audioLoudnessWarning: audioLoudnessWarning(audio),
    durationMs: audio?.durationMs ?? null,
    priority: bulletin.priority,
    status: bulletin.status,
    approvedBy: bulletin.approvedBy,
    approvedAt: bulletin.approvedAt ? formatLocalInstant(bulletin.approvedAt) : null,
    sentBack: bulletin.sentBackAt
      ? {
          at: formatLocalInstant(bulletin.sentBackAt),
          by: bulletin.sentBackBy ?? null,
          reason: bulletin.sentBackReason ?? null,
        }
      : null,
    createdBy: bulletin.createdBy,
    createdAt: formatLocalInstant(bulletin.createdAt),
    updatedAt: formatLocalInstant(bulletin.updatedAt),
    revision: bulletin.revision,
  };
}

function audioLoudnessWarning(
  audio: Pick<AudioAsset, 'loudnessWarning' | 'integratedLufs' | 'targetLufs'> | null,
): AudioLoudnessWarningView | null {
  if (!audio?.loudnessWarning || audio.integratedLufs === null || audio.targetLufs === null) {
    return null;
  }
  return {
    warning: audio.loudnessWarning,
    integratedLufs: audio.integratedLufs,
    targetLufs: audio.targetLufs,
  };
}
