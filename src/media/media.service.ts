import { Inject, Injectable } from '@nestjs/common';
import { basename, extname } from 'node:path';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { AudioReader, canRead, canReadAudio, canWriteAudio } from './audio-access';
import { audioAssetView, AudioAssetView } from './audio-asset.view';
import { AudioAssetsRepository } from './audio-assets.repository';
import { isRejection, Rejection, RejectionReason } from './audio-inspection';
import { AudioInspector, InspectedAudio } from './audio-inspector';
import { AudioQueue } from './audio-queue';
import { AudioUsage } from './audio-usage';
import { formatBytes } from './audio-upload.interceptor';
import { workBytesNeeded } from './work-budget';
import { ListAudioQueryDto, SynthesizeAudioDto } from './dto/audio.dto';
import { AudioAsset, AudioSource } from './entities/audio-asset.entity';
import { IncomingFile, MediaStorage, RenditionFile } from './media-storage';
import { resolveVoice, TtsEngine, TtsFailure } from './tts/tts-engine';
import { ReadingPreview, readingPreview, textForSpeech } from './tts/reading-preview';

/** Who owns new audio: a commune, or (communeCode null) a province's library. */
export interface AudioOwner {
  ownerCode: string;
  communeCode: string | null;
  provinceCode: string;
}

/** A rendition as `GET /audio/:id/content` serves it. */
export interface RenditionContent extends RenditionFile {
  path: string;
  fileName: string;
}

export interface UploadedAudio extends IncomingFile {
  originalName: string | null;
}

/** `created`: a new asset (202); otherwise the asset that holds the same bytes already (200). */
export interface IngestResult {
  asset: AudioAssetView;
  created: boolean;
}

interface IngestMeta {
  source: AudioSource;
  originalName: string | null;
  ttsText: string | null;
  ttsVoice: string | null;
}

const REJECTION_CODE: Record<
  RejectionReason,
  'UNSUPPORTED_MEDIA' | 'AUDIO_INVALID' | 'AUDIO_TOO_LONG'
> = {
  empty: 'AUDIO_INVALID',
  'not-audio': 'UNSUPPORTED_MEDIA',
  'no-audio-stream': 'UNSUPPORTED_MEDIA',
  truncated: 'AUDIO_INVALID',
  corrupt: 'AUDIO_INVALID',
  'too-short': 'AUDIO_INVALID',
  'too-long': 'AUDIO_TOO_LONG',
};

function rejectionError(rejection: Rejection): DomainError {
  return new DomainError(REJECTION_CODE[rejection.reason], rejection.message, {
    reason: rejection.reason,
  });
}

/** The client's file name as metadata: no folders, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined | null): string | null {
  if (!name) return null;
  const cleaned = basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return cleaned === '' ? null : cleaned.slice(0, 255);
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string } | undefined;
  return (
    driverError?.code === '23505' ||
    /UNIQUE constraint failed/i.test(driverError?.message ?? error.message)
  );
}

/**
 * Audio assets: upload and synthesis (validated, content-addressed, queued for processing),
 * reading, serving the rendition, deletion of unused assets. Access to an asset by id is decided
 * here (the guard only knows route parameters).
 */
@Injectable()
export class MediaService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly assets: AudioAssetsRepository,
    private readonly storage: MediaStorage,
    private readonly inspector: AudioInspector,
    private readonly queue: AudioQueue,
    private readonly usage: AudioUsage,
    private readonly tts: TtsEngine,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  communeOwner(communeCode: string): AudioOwner {
    const commune = this.geo.commune(communeCode);
    return {
      ownerCode: commune.code,
      communeCode: commune.code,
      provinceCode: commune.provinceCode,
    };
  }

  provinceOwner(provinceCode: string): AudioOwner {
    const province = this.geo.province(provinceCode);
    return { ownerCode: province.code, communeCode: null, provinceCode: province.code };
  }

  async upload(
    owner: AudioOwner,
    file: UploadedAudio | undefined,
    actor: AuthUser,
  ): Promise<IngestResult> {
    if (!file) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'No recording received: send it in the multipart field "file"',
      );
    }
    try {
      return await this.ingest(
        owner,
        file,
        {
          source: 'upload',
          originalName: cleanFileName(file.originalName),
          ttsText: null,
          ttsVoice: null,
        },
        actor,
      );
    } finally {
      await this.storage.remove(file.path);
    }
  }

  /** What synthesis would read for this text, with each number, date and abbreviation's reading. */
  previewReading(input: string): ReadingPreview {
    this.assertSpeakableLength(input.trim());
    return readingPreview(input);
  }

  async synthesize(
    owner: AudioOwner,
    input: SynthesizeAudioDto,
    actor: AuthUser,
  ): Promise<IngestResult> {
    const text = input.text.trim();
    this.assertSpeakableLength(text);
    const voice = resolveVoice(input.voice);
    if (voice === null) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Unknown voice "${input.voice}": use Bắc, Trung or Nam`,
      );
    }
    const spoken = textForSpeech(text);
    if (spoken === '') throw new DomainError('VALIDATION_FAILED', 'The text has nothing to read');
    const path = await this.storage.newIncomingPath('wav');
    try {
      try {
        await this.tts.synthesize(spoken, voice, path);
      } catch (error) {
        if (error instanceof TtsFailure) throw new DomainError('TTS_UNAVAILABLE', error.message);
        throw error;
      }
      const file = await this.storage.describe(path);
      return await this.ingest(
        owner,
        file,
        {
          source: 'tts',
          originalName: null,
          ttsText: text,
          ttsVoice: this.tts.voiceId(voice),
        },
        actor,
      );
    } finally {
      await this.storage.remove(path);
    }
  }

  private assertSpeakableLength(text: string): void {
    const length = [...text].length;
    if (length === 0) throw new DomainError('VALIDATION_FAILED', 'text must not be empty');
    const maxChars = this.config.audio.ttsMaxChars;
    if (length > maxChars) {
      throw new DomainError(
        'TTS_TEXT_TOO_LONG',
        `The text has ${length} characters; at most ${maxChars} can be read in one recording`,
        { maxChars, length },
      );
    }
  }

  async list(owner: AudioOwner, query: ListAudioQueryDto): Promise<AudioAssetView[]> {
    const assets = await this.assets.list({
      ownerCode: owner.ownerCode,
      status: query.status,
      limit: query.limit ?? 100,
    });
    return assets.map(audioAssetView);
  }

  /** The province library: readable by everyone of the province. */
  listLibrary(
    provinceCode: string,
    query: ListAudioQueryDto,
    actor: AuthUser,
  ): Promise<AudioAssetView[]> {
    const owner = this.provinceOwner(provinceCode);
    if (!canReadAudio(actor, owner)) {
      throw new DomainError(
        'FORBIDDEN',
        `No access to the audio library of province ${provinceCode}`,
      );
    }
    return this.list(owner, query);
  }

  async get(id: string, actor: AuthUser): Promise<AudioAssetView> {
    return audioAssetView(await this.readable(id, actor));
  }

  /** The rendition file of a ready asset, a name for downloads, its size and sha256. */
  async content(id: string, reader: AudioReader): Promise<RenditionContent> {
    const asset = await this.find(id);
    if (!canRead(reader, asset)) throw new DomainError('FORBIDDEN', `No access to audio ${id}`);
    if (asset.status !== 'ready') {
      throw new DomainError(
        'AUDIO_CONTENT_NOT_READY',
        `Audio ${id} is ${asset.status}; its rendition is served once it is ready`,
        { status: asset.status, progress: asset.progress },
      );
    }
    const file = await this.rendition(asset);
    if (!file) {
      throw new DomainError('AUDIO_NOT_FOUND', `The rendition of audio ${id} is missing`, { id });
    }
    const stem = asset.originalName
      ? basename(asset.originalName, extname(asset.originalName))
      : '';
    return { path: this.storage.renditionPath(id), fileName: `${stem || id}.mp3`, ...file };
  }

  /**
   * Size and sha256 of a ready asset's rendition (null when the file is missing). A rendition
   * made before its sha256 was stored is hashed once here and the result stored.
   */
  async rendition(asset: AudioAsset): Promise<RenditionFile | null> {
    if (!(await this.storage.exists(this.storage.renditionPath(asset.id)))) return null;
    if (asset.renditionSha256 !== null && asset.renditionBytes !== null) {
      return { bytes: asset.renditionBytes, sha256: asset.renditionSha256 };
    }
    const file = await this.storage.renditionFile(asset.id);
    await this.assets.recordRenditionFile(asset.id, file);
    return file;
  }

  /** Deletes an asset no bulletin uses (409 AUDIO_IN_USE otherwise), with its files. */
  async delete(id: string, actor: AuthUser): Promise<void> {
    const asset = await this.find(id);
    if (!canWriteAudio(actor, asset)) {
      throw new DomainError('FORBIDDEN', `No write access to audio ${id}`);
    }
    await this.db.write(async (manager) => {
      if (!(await this.assets.findById(id, manager))) throw this.notFound(id);
      if (await this.usage.isInUse(id, manager)) {
        throw new DomainError(
          'AUDIO_IN_USE',
          `Audio ${id} is used by a bulletin and cannot be deleted`,
          { id },
        );
      }
      await this.assets.delete(id, manager);
      await this.audit.record(
        {
          action: 'audio.deleted',
          actor,
          targetType: 'audio',
          targetId: id,
          communeCode: asset.communeCode,
          provinceCode: asset.provinceCode,
          detail: { sha256: asset.sha256, originalName: asset.originalName, status: asset.status },
        },
        manager,
      );
      // Inside the write, so an upload of the same bytes cannot slip between check and removal.
      if ((await this.assets.countBySha(asset.sha256, manager)) === 0) {
        await this.storage.remove(this.storage.originalPath(asset.sha256));
      }
    });
    await this.queue.remove(id);
    await this.storage.remove(this.storage.renditionPath(id));
    await this.storage.removeRenditionTemps(id);
  }

  private async ingest(
    owner: AudioOwner,
    file: IncomingFile,
    meta: IngestMeta,
    actor: AuthUser,
  ): Promise<IngestResult> {
    const existing = await this.assets.findByContent(owner.ownerCode, file.sha256);
    if (existing) return this.reuse(existing);
    // Refused before any decoding when the original alone does not fit.
    await this.assertQuota(owner, file.size);
    const inspected = await this.inspector.inspect(file.path, file.size);
    if (isRejection(inspected)) throw rejectionError(inspected);
    this.assertWorkFits(inspected);
    // The rendition to come: the recording's length at the MP3 bitrate.
    const renditionBytes = Math.ceil(
      inspected.decodedDurationS * this.config.audio.bitrateKbps * 125,
    );
    const asset = this.newAsset(owner, file, meta, inspected, actor);
    try {
      await this.db.write(async (manager) => {
        // Inside the write, so two uploads of one owner cannot both take the last room.
        await this.assertQuota(owner, file.size + renditionBytes, manager);
        await this.storage.storeOriginal(file);
        await this.assets.insert(asset, manager);
        await this.audit.record(
          {
            action: 'audio.created',
            actor,
            targetType: 'audio',
            targetId: asset.id,
            communeCode: asset.communeCode,
            provinceCode: asset.provinceCode,
            detail: { source: meta.source, originalName: asset.originalName, sha256: asset.sha256 },
          },
          manager,
        );
      });
    } catch (error) {
      await this.db.write(async (manager) => {
        if ((await this.assets.countBySha(file.sha256, manager)) === 0) {
          await this.storage.remove(this.storage.originalPath(file.sha256));
        }
      });
      if (isUniqueViolation(error)) {
        const winner = await this.assets.findByContent(owner.ownerCode, file.sha256);
        if (winner) return this.reuse(winner);
      }
      throw error;
    }
    await this.queue.enqueue(asset.id);
    return { asset: audioAssetView(asset), created: true };
  }

  /**
   * MEDIA_COMMUNE_QUOTA_BYTES: what the owner stores (originals and renditions) plus `adding`
   * must fit, or the upload is refused (507) before anything is kept.
   */
  private async assertQuota(
    owner: AudioOwner,
    adding: number,
    manager?: EntityManager,
  ): Promise<void> {
    const quota = this.config.audio.quotaBytes;
    const stored = await this.assets.storedBytes(owner.ownerCode, manager);
    if (stored + adding <= quota) return;
    throw new DomainError(
      'MEDIA_QUOTA_EXCEEDED',
      `The audio storage of ${owner.ownerCode} is full: ${formatBytes(stored)} of ${formatBytes(quota)} used, and this recording needs ${formatBytes(adding)}; delete recordings no bulletin uses`,
      { quotaBytes: quota, storedBytes: stored, neededBytes: adding },
    );
  }

  /** A recording whose processing alone needs more than MEDIA_WORK_MAX_BYTES can never run. */
  private assertWorkFits(inspected: InspectedAudio): void {
    const needed = workBytesNeeded(
      {
        durationS: inspected.decodedDurationS,
        channels: inspected.channels,
        sampleRate: inspected.sampleRate,
      },
      this.config.audio.maxDurationSeconds,
      this.config.audio.bitrateKbps,
    );
    const limit = this.config.audio.workMaxBytes;
    if (needed <= limit) return;
    throw new DomainError(
      'MEDIA_WORK_LIMIT',
      `Processing this recording needs ${formatBytes(needed)} of work space; the limit is ${formatBytes(limit)}`,
      { neededBytes: needed, limitBytes: limit },
    );
  }

  /** The same bytes again for the same owner: the existing asset (a failed one runs again). */
  private async reuse(existing: AudioAsset): Promise<IngestResult> {
    if (existing.status !== 'failed') return { asset: audioAssetView(existing), created: false };
    await this.db.write((manager) => this.assets.requeue(existing.id, manager));
    await this.queue.rerun(existing.id);
    const requeued = (await this.assets.findById(existing.id)) ?? existing;
    return { asset: audioAssetView(requeued), created: true };
  }

  private newAsset(
    owner: AudioOwner,
    file: IncomingFile,
    meta: IngestMeta,
    inspected: InspectedAudio,
    actor: AuthUser,
  ): AudioAsset {
    const now = this.clock.now();
    return {
      id: newId(),
      ownerCode: owner.ownerCode,
      communeCode: owner.communeCode,
      provinceCode: owner.provinceCode,
      sha256: file.sha256,
      source: meta.source,
      originalName: meta.originalName,
      originalBytes: file.size,
      inputFormat: inspected.formatName.slice(0, 40),
      inputCodec: inspected.codec.slice(0, 40),
      inputDurationMs: Math.round(inspected.decodedDurationS * 1000),
      inputChannels: inspected.channels,
      inputSampleRate: inspected.sampleRate,
      inputIntegratedLufs: null,
      inputTruePeakDbtp: null,
      inputLra: null,
      ttsText: meta.ttsText,
      ttsVoice: meta.ttsVoice,
      status: 'queued',
      progress: 0,
      error: null,
      durationMs: null,
      integratedLufs: null,
      truePeakDbtp: null,
      lra: null,
      loudnormPath: null,
      loudnessWarning: null,
      targetLufs: null,
      gainDb: null,
      trimStartMs: null,
      trimEndMs: null,
      renditionBytes: null,
      renditionSha256: null,
      attempts: 0,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
      readyAt: null,
    };
  }

  private async find(id: string): Promise<AudioAsset> {
    const asset = await this.assets.findById(id);
    if (!asset) throw this.notFound(id);
    return asset;
  }

  private async readable(id: string, actor: AuthUser): Promise<AudioAsset> {
    const asset = await this.find(id);
    if (!canReadAudio(actor, asset)) throw new DomainError('FORBIDDEN', `No access to audio ${id}`);
    return asset;
  }

  private notFound(id: string): DomainError {
    return new DomainError('AUDIO_NOT_FOUND', `Audio ${id} not found`, { id });
  }
}
