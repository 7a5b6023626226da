import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EntityManager, In } from 'typeorm';
import { AuthUser } from '../auth/auth-user';
import { BulletinTopic } from '../bulletins/entities/bulletin-topic.entity';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { DomainError } from '../common/domain-error';
import { Db } from '../database/db.service';
import { MediaService } from '../media/media.service';
import { CheckpointJournal } from '../playout/checkpoint-journal';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { PlayoutCheckpoint } from '../playout/entities/playout-checkpoint.entity';
import { PlayoutClaim } from '../playout/entities/playout-claim.entity';
import { PlayoutRecordTopic } from '../playout/entities/playout-record-topic.entity';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import { ChainCheck } from '../reports/entities/chain-check.entity';
import { ChainChecksService } from '../reports/chain-checks.service';
import { RollupsService } from '../reports/rollups.service';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';

export interface RemovalSummary {
  windows: number;
  bulletins: number;
  scheduleItems: number;
  playoutRecords: number;
  audio: number;
  /** Communes whose demo as-run records stay: real records follow them in the hash chain. */
  keptLogs: string[];
}

/** Rows per `IN (…)` list, well under SQLite's bound-variable limit. */
const CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += CHUNK) {
    out.push(values.slice(start, start + CHUNK));
  }
  return out;
}

/**
 * Removes the demo data (rows flagged `demo`) in one transaction, then its audio files, and
 * recomputes the reports' roll-ups and chain checks of the communes concerned.
 *
 * The as-run log is append-only and hash-chained: a commune's demo records are removed only when
 * every record of its chain is demo (the chain then starts afresh). When real records follow them,
 * they stay, with the bulletins they name, and the summary says so.
 */
@Injectable()
export class DemoRemover {
  private readonly logger = new Logger(DemoRemover.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly db: Db,
  ) {}

  async present(): Promise<boolean> {
    const manager = this.db.manager;
    const counts = await Promise.all([
      manager.countBy(BroadcastWindow, { demo: true }),
      manager.countBy(Bulletin, { demo: true }),
      manager.countBy(ScheduleItem, { demo: true }),
      manager.countBy(PlayoutRecord, { demo: true }),
    ]);
    return counts.some((count) => count > 0);
  }

  /** `extraAudio`: assets a failed seeding made before any bulletin used them. */
  async remove(actor: AuthUser, extraAudio: readonly string[] = []): Promise<RemovalSummary> {
    const outcome = await this.db.write((manager) => this.deleteRows(manager));
    const audio = await this.deleteAudio([...new Set([...outcome.audioIds, ...extraAudio])], actor);
    // The journal outside the database keeps checkpoints of the chains removed whole too.
    await this.moduleRef.get(CheckpointJournal, { strict: false }).forget(outcome.removedChains);
    const communes = outcome.communes;
    if (communes.length > 0) {
      await this.moduleRef.get(RollupsService, { strict: false }).rebuild(communes);
      await this.moduleRef.get(ChainChecksService, { strict: false }).verifyAll(communes);
    }
    return { ...outcome.summary, audio };
  }

  private async deleteRows(manager: EntityManager): Promise<{
    summary: Omit<RemovalSummary, 'audio'>;
    audioIds: string[];
    communes: string[];
    /** Communes whose whole chain was demo and is gone. */
    removedChains: string[];
  }> {
    const records = await manager.find(PlayoutRecord, {
      where: { demo: true },
      select: { id: true, communeCode: true, bulletinId: true },
    });
    const recordCommunes = [...new Set(records.map((record) => record.communeCode))];
    const keptLogs: string[] = [];
    for (const communeCode of recordCommunes) {
      const real = await manager.countBy(PlayoutRecord, { communeCode, demo: false });
      if (real > 0) keptLogs.push(communeCode);
    }
    const removable = records.filter((record) => !keptLogs.includes(record.communeCode));
    const keptBulletins = new Set(
      records
        .filter((record) => keptLogs.includes(record.communeCode) && record.bulletinId)
        .map((record) => record.bulletinId as string),
    );

    const items = await manager.find(ScheduleItem, {
      where: { demo: true },
      select: { id: true, communeCode: true, bulletinId: true },
    });
    const bulletins = (
      await manager.find(Bulletin, {
        where: { demo: true },
        select: { id: true, audioId: true, communeCode: true },
      })
    ).filter((bulletin) => !keptBulletins.has(bulletin.id));
    const windows = await manager.find(BroadcastWindow, {
      where: { demo: true },
      select: { id: true, communeCode: true },
    });

    for (const ids of chunks(removable.map((record) => record.id))) {
      await manager.delete(PlayoutRecordTopic, { recordId: In(ids) });
      await manager.delete(PlayoutRecord, { id: In(ids) });
    }
    const removedChains = recordCommunes.filter((code) => !keptLogs.includes(code));
    for (const communeCode of removedChains) {
      // Every record of the chain was demo: the next record starts a new chain at seq 1, and
      // the checkpoints signed over the demo chain go with it.
      await manager.delete(PlayoutChain, { communeCode });
      await manager.delete(ChainCheck, { communeCode });
      await manager.delete(PlayoutCheckpoint, { communeCode });
    }
    const itemIds = items.map((item) => item.id);
    for (const ids of chunks(itemIds)) {
      await manager.delete(PlayoutClaim, { scheduleItemId: In(ids) });
      await manager.delete(ScheduleItem, { id: In(ids) });
    }
    const bulletinIds = bulletins.map((bulletin) => bulletin.id);
    for (const ids of chunks(bulletinIds)) {
      const stillScheduled = await manager.countBy(ScheduleItem, { bulletinId: In(ids) });
      if (stillScheduled > 0) {
        throw new DomainError(
          'BULLETIN_IN_USE',
          'A demo bulletin is on a real program log item; cancel that item first',
        );
      }
      await manager.delete(BulletinTopic, { bulletinId: In(ids) });
      await manager.delete(Bulletin, { id: In(ids) });
    }
    for (const ids of chunks(windows.map((window) => window.id))) {
      await manager.delete(BroadcastWindow, { id: In(ids) });
    }
    const communes = [
      ...new Set([
        ...recordCommunes,
        ...items.map((item) => item.communeCode),
        ...windows.map((window) => window.communeCode),
      ]),
    ].sort();
    return {
      summary: {
        windows: windows.length,
        bulletins: bulletinIds.length,
        scheduleItems: itemIds.length,
        playoutRecords: removable.length,
        keptLogs,
      },
      audioIds: bulletins.map((bulletin) => bulletin.audioId),
      communes,
      removedChains,
    };
  }

  /** Deletes the recordings through the media service (rows, files, queue); skips shared ones. */
  private async deleteAudio(ids: readonly string[], actor: AuthUser): Promise<number> {
    const media = this.moduleRef.get(MediaService, { strict: false });
    let deleted = 0;
    for (const id of ids) {
      try {
        await media.delete(id, actor);
        deleted += 1;
      } catch (error) {
        if (
          error instanceof DomainError &&
          ['AUDIO_IN_USE', 'AUDIO_NOT_FOUND'].includes(error.code)
        ) {
          // A real bulletin uses the same recording, or it is gone already: leave it.
          this.logger.warn(`Audio ${id} kept: ${error.message}`);
          continue;
        }
        throw error;
      }
    }
    return deleted;
  }
}
