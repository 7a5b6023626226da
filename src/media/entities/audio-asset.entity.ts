import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../database/columns';

export const AUDIO_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;
export type AudioStatus = (typeof AUDIO_STATUSES)[number];
export type AudioSource = 'upload' | 'tts';
export type LoudnormPath = 'linear' | 'dynamic';
/** `too-quiet`: the rendition stays below the target (the gain limit was reached). */
export type LoudnessWarning = 'too-quiet';

/**
 * An uploaded or synthesized recording and its broadcast rendition. It belongs to one commune,
 * or (communeCode null) to its province's library.
 */
@Entity('audio_asset')
@Index(['ownerCode', 'sha256'], { unique: true })
export class AudioAsset {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The commune code, or the province code for the province library. */
  @Column({ type: 'varchar', length: 5, name: 'owner_code' })
  ownerCode!: string;

  @Column({ type: 'varchar', length: 5, name: 'commune_code', nullable: true })
  communeCode!: string | null;

  @Column({ type: 'varchar', length: 2, name: 'province_code' })
  provinceCode!: string;

  /** sha256 of the original bytes (content address). */
  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: AudioSource;

  /** The client's file name, kept as metadata only. */
  @Column({ type: 'varchar', length: 255, name: 'original_name', nullable: true })
  originalName!: string | null;

  @Column({ type: 'integer', name: 'original_bytes' })
  originalBytes!: number;

  @Column({ type: 'varchar', length: 40, name: 'input_format', nullable: true })
  inputFormat!: string | null;

  @Column({ type: 'varchar', length: 40, name: 'input_codec', nullable: true })
  inputCodec!: string | null;

  @Column({ type: 'integer', name: 'input_duration_ms', nullable: true })
  inputDurationMs!: number | null;

  @Column({ type: 'integer', name: 'input_channels', nullable: true })
  inputChannels!: number | null;

  @Column({ type: 'integer', name: 'input_sample_rate', nullable: true })
  inputSampleRate!: number | null;

  /**
   * Pass 1 measurement of the original as ITU-R BS.1770 defines it (all channels, weighted by the
   * layout), before any downmix or processing.
   */
  @Column({ type: 'real', name: 'input_integrated_lufs', nullable: true })
  inputIntegratedLufs!: number | null;

  @Column({ type: 'real', name: 'input_true_peak_dbtp', nullable: true })
  inputTruePeakDbtp!: number | null;

  @Column({ type: 'real', name: 'input_lra', nullable: true })
  inputLra!: number | null;

  @Column({ type: 'text', name: 'tts_text', nullable: true })
  ttsText!: string | null;

  @Column({ type: 'varchar', length: 40, name: 'tts_voice', nullable: true })
  ttsVoice!: string | null;

  @Column({ type: 'varchar', length: 12 })
  status!: AudioStatus;

  @Column({ type: 'integer', default: 0 })
  progress!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'integer', name: 'duration_ms', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'real', name: 'integrated_lufs', nullable: true })
  integratedLufs!: number | null;

  @Column({ type: 'real', name: 'true_peak_dbtp', nullable: true })
  truePeakDbtp!: number | null;

  @Column({ type: 'real', nullable: true })
  lra!: number | null;

  @Column({ type: 'varchar', length: 8, name: 'loudnorm_path', nullable: true })
  loudnormPath!: LoudnormPath | null;

  @Column({ type: 'varchar', length: 16, name: 'loudness_warning', nullable: true })
  loudnessWarning!: LoudnessWarning | null;

  /** The station target the rendition was normalized to (LUFS). */
  @Column({ type: 'real', name: 'target_lufs', nullable: true })
  targetLufs!: number | null;

  /** Gain applied before the limiter (dB). */
  @Column({ type: 'real', name: 'gain_db', nullable: true })
  gainDb!: number | null;

  /** The part of the original kept in the rendition (leading and trailing silence trimmed). */
  @Column({ type: 'integer', name: 'trim_start_ms', nullable: true })
  trimStartMs!: number | null;

  @Column({ type: 'integer', name: 'trim_end_ms', nullable: true })
  trimEndMs!: number | null;

  @Column({ type: 'integer', name: 'rendition_bytes', nullable: true })
  renditionBytes!: number | null;

  /** sha256 (hex) of the rendition's bytes, as served; null until known (see migration 1764900000100). */
  @Column({ type: 'varchar', length: 64, name: 'rendition_sha256', nullable: true })
  renditionSha256!: string | null;

  /** Processing runs started (retries and restarts after a crash included). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 36, name: 'created_by', nullable: true })
  createdBy!: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt!: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt!: Date;

  @InstantColumn({ name: 'ready_at', nullable: true })
  readyAt!: Date | null;
}
