import { formatLocalInstant } from '../common/local-time';
import {
  AudioAsset,
  AudioSource,
  AudioStatus,
  LoudnessWarning,
  LoudnormPath,
} from './entities/audio-asset.entity';

/** An audio asset as the API serves it. */
export class AudioAssetView {
  id!: string;
  status!: AudioStatus;
  /** 0–100 while processing; 100 when ready. */
  progress!: number;
  durationMs!: number | null;
  integratedLufs!: number | null;
  truePeakDbtp!: number | null;
  lra!: number | null;
  /** `linear`: one constant gain; `dynamic`: gain with limiting (see normalization-plan.ts). */
  loudnormPath!: LoudnormPath | null;
  /**
   * `too-quiet`: the recording could not be brought to the target within the gain limit; the
   * rendition plays at `integratedLufs`, below `targetLufs`. Null when the rendition is on target.
   */
  loudnessWarning!: LoudnessWarning | null;
  /** The station target the rendition was normalized to (LUFS). */
  targetLufs!: number | null;
  error!: string | null;
  communeCode!: string | null;
  provinceCode!: string;
  source!: AudioSource;
  originalName!: string | null;
  originalBytes!: number;
  sha256!: string;
  /**
   * The original as uploaded. Its loudness and true peak are measured as ITU-R BS.1770 defines
   * them (all channels, weighted by layout), before the mono downmix; assets processed before
   * migration 1764700000100 keep the figures of their downmix.
   */
  input!: {
    format: string | null;
    codec: string | null;
    channels: number | null;
    sampleRate: number | null;
    durationMs: number | null;
    integratedLufs: number | null;
    truePeakDbtp: number | null;
    lra: number | null;
  };
  processing!: {
    gainDb: number | null;
    trimStartMs: number | null;
    trimEndMs: number | null;
    attempts: number;
  };
  tts!: { text: string; voice: string | null } | null;
  renditionBytes!: number | null;
  /** Where the processed MP3 is served once ready. */
  contentUrl!: string | null;
  createdBy!: string | null;
  createdAt!: string;
  updatedAt!: string;
  readyAt!: string | null;
}

export function audioAssetView(asset: AudioAsset): AudioAssetView {
  return {
    id: asset.id,
    status: asset.status,
    progress: asset.status === 'ready' ? 100 : asset.progress,
    durationMs: asset.durationMs,
    integratedLufs: asset.integratedLufs,
    truePeakDbtp: asset.truePeakDbtp,
    lra: asset.lra,
    loudnormPath: asset.loudnormPath,
    loudnessWarning: asset.loudnessWarning,
    targetLufs: asset.targetLufs,
    error: asset.error,
    communeCode: asset.communeCode,
    provinceCode: asset.provinceCode,
    source: asset.source,
    originalName: asset.originalName,
    originalBytes: asset.originalBytes,
    sha256: asset.sha256,
    input: {
      format: asset.inputFormat,
      codec: asset.inputCodec,
      channels: asset.inputChannels,
      sampleRate: asset.inputSampleRate,
      durationMs: asset.inputDurationMs,
      integratedLufs: asset.inputIntegratedLufs,
      truePeakDbtp: asset.inputTruePeakDbtp,
      lra: asset.inputLra,
    },
    processing: {
      gainDb: asset.gainDb,
      trimStartMs: asset.trimStartMs,
      trimEndMs: asset.trimEndMs,
      attempts: asset.attempts,
    },
    tts:
      asset.source === 'tts' && asset.ttsText !== null
        ? { text: asset.ttsText, voice: asset.ttsVoice }
        : null,
    renditionBytes: asset.renditionBytes,
    contentUrl: asset.status === 'ready' ? `/api/v1/audio/${asset.id}/content` : null,
    createdBy: asset.createdBy,
    createdAt: formatLocalInstant(asset.createdAt),
    updatedAt: formatLocalInstant(asset.updatedAt),
    readyAt: asset.readyAt ? formatLocalInstant(asset.readyAt) : null,
  };
}
