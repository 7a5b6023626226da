import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../common/clock';
import { Db } from '../database/db.service';
import {
  AudioAsset,
  AudioStatus,
  LoudnessWarning,
  LoudnormPath,
} from './entities/audio-asset.entity';

/** What a finished processing run stores on the asset. */
export interface ProcessingResult {
  durationMs: number;
  integratedLufs: number;
  truePeakDbtp: number;
  lra: number;
  loudnormPath: LoudnormPath;
  gainDb: number;
  trimStartMs: number;
  trimEndMs: number;
  renditionBytes: number;
  renditionSha256: string;
  inputIntegratedLufs: number;
  inputTruePeakDbtp: number | null;
  inputLra: number;
  loudnessWarning: LoudnessWarning | null;
  targetLufs: number;
}

export interface AssetListFilter {
  ownerCode: string;
  status?: AudioStatus;
  limit: number;
}

/** Every read and write of `audio_asset`. Writes go through `Db.write`. */
@Injectable()
export class AudioAssetsRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  findById(id: string, manager: EntityManager = this.db.manager): Promise<AudioAsset | null> {
    return manager.findOneBy(AudioAsset, { id });
  }

  findByContent(
    ownerCode: string,
    sha256: string,
    manager: EntityManager = this.db.manager,
  ): Promise<AudioAsset | null> {
    return manager.findOneBy(AudioAsset, { ownerCode, sha256 });
  }

  list(filter: AssetListFilter): Promise<AudioAsset[]> {
    return this.db.manager.find(AudioAsset, {
      where: { ownerCode: filter.ownerCode, ...(filter.status ? { status: filter.status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
    });
  }

  /** Assets whose processing is not finished: the queue must hold a job for each. */
  unfinished(): Promise<AudioAsset[]> {
    return this.db.manager.find(AudioAsset, {
      where: { status: In(['queued', 'processing']) },
      order: { createdAt: 'ASC' },
    });
  }

  async insert(asset: AudioAsset, manager: EntityManager): Promise<void> {
    await manager.insert(AudioAsset, asset);
  }

  /** Bytes an owner stores: the originals and the renditions of its assets (the storage quota). */
  async storedBytes(ownerCode: string, manager: EntityManager = this.db.manager): Promise<number> {
    const row = await manager
      .createQueryBuilder(AudioAsset, 'a')
      .select('COALESCE(SUM(a.originalBytes), 0) + COALESCE(SUM(a.renditionBytes), 0)', 'bytes')
      .where('a.ownerCode = :ownerCode', { ownerCode })
      .getRawOne<{ bytes: string | number }>();
    return Number(row?.bytes ?? 0);
  }

  /** Other assets holding the same original bytes (the original file is shared). */
  countBySha(sha256: string, manager: EntityManager): Promise<number> {
    return manager.countBy(AudioAsset, { sha256 });
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(AudioAsset, { id });
  }

  /** A processing run starts: counts the attempt, clears the last error. */
  startProcessing(id: string): Promise<boolean> {
    return this.update(id, ['queued', 'processing'], {
      status: 'processing',
      progress: 0,
      error: null,
      attempts: () => 'attempts + 1',
    });
  }

  setProgress(id: string, progress: number): Promise<boolean> {
    return this.update(id, ['processing'], { progress });
  }

  /** The rendition is in place: the asset becomes ready (only if still being processed). */
  markReady(id: string, result: ProcessingResult): Promise<boolean> {
    return this.update(id, ['processing'], {
      status: 'ready',
      progress: 100,
      error: null,
      ...result,
      readyAt: this.clock.now(),
    });
  }

  /** The size and sha256 of a ready asset's rendition, found after it was made. */
  async recordRenditionFile(id: string, file: { bytes: number; sha256: string }): Promise<void> {
    await this.update(id, ['ready'], { renditionBytes: file.bytes, renditionSha256: file.sha256 });
  }

  /** A run failed and the queue will try again. */
  markRetrying(id: string, error: string): Promise<boolean> {
    return this.update(id, ['queued', 'processing'], { status: 'queued', progress: 0, error });
  }

  markFailed(id: string, error: string): Promise<boolean> {
    return this.update(id, ['queued', 'processing'], { status: 'failed', progress: 0, error });
  }

  /** A failed asset uploaded again: back to the queue. */
  requeue(id: string, manager: EntityManager): Promise<boolean> {
    return this.update(id, ['failed'], { status: 'queued', progress: 0, error: null }, manager);
  }

  private async update(
    id: string,
    from: AudioStatus[],
    changes: QueryDeepPartialEntity<AudioAsset>,
    manager?: EntityManager,
  ): Promise<boolean> {
    const run = async (m: EntityManager): Promise<boolean> => {
      const result = await m
        .createQueryBuilder()
        .update(AudioAsset)
        .set({ ...changes, updatedAt: this.clock.now() })
        .where('id = :id', { id })
        .andWhere('status IN (:...from)', { from })
        .execute();
      return (result.affected ?? 0) > 0;
    };
    return manager ? run(manager) : this.db.write(run);
  }
}
