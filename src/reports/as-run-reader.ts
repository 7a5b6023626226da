import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Db } from '../database/db.service';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { PlayoutRecord } from '../playout/entities/playout-record.entity';
import { GENESIS_HASH } from '../playout/hash-chain';
import { PlayoutLogService } from '../playout/playout-log.service';
import { playoutRecordView } from '../playout/playout-record.view';
import { airtimeOf, countedDate, firstCorrectors, msToSeconds } from './airtime';
import { DateRange } from './airtime.repository';
import { ChainHead, ChainLink, CountedRecordView } from './report.view';

export { ChainHead, ChainLink, CountedRecordView };

/**
 * Reads of the raw as-run log for reports: the records behind a number, and the export an
 * outside script can verify. Uses the playout module's reads; never writes.
 */
@Injectable()
export class AsRunReader {
  constructor(
    private readonly db: Db,
    private readonly playoutLog: PlayoutLogService,
  ) {}

  /** Records started in the range (seq order), optionally only those tagged `topic`. */
  async records(communeCode: string, range: DateRange, topic?: string): Promise<PlayoutRecord[]> {
    const records = await this.playoutLog.list(communeCode, range);
    return topic ? records.filter((record) => record.topics.includes(topic)) : records;
  }

  /** Records of the range with whether and how much each counts. */
  async countedRecords(
    communeCode: string,
    range: DateRange,
    topic?: string,
  ): Promise<CountedRecordView[]> {
    const records = await this.records(communeCode, range, topic);
    const correctors = await this.correctorsOf(
      communeCode,
      records.map((record) => record.seq),
    );
    return records.map((record): CountedRecordView => {
      const correctedBySeq = correctors.get(record.seq) ?? null;
      const inEffect = correctedBySeq === null;
      const airtime = inEffect ? airtimeOf(record) : { airedMs: 0, plays: 0 };
      return {
        ...playoutRecordView(record),
        date: countedDate(record),
        inEffect,
        correctedBySeq,
        countedSeconds: msToSeconds(airtime.airedMs),
        countedPlays: airtime.plays,
      };
    });
  }

  async head(communeCode: string): Promise<ChainHead> {
    const head = await this.db.manager.findOneBy(PlayoutChain, { communeCode });
    return { lastSeq: head?.lastSeq ?? 0, lastHash: head?.lastHash ?? GENESIS_HASH };
  }

  /** The links of the commune's records with `seq` from `fromSeq` through `toSeq`, in seq order. */
  async links(communeCode: string, fromSeq: number, toSeq: number): Promise<ChainLink[]> {
    const rows = await this.db.manager
      .createQueryBuilder(PlayoutRecord, 'record')
      .select('record.seq', 'seq')
      .addSelect('record.prev_hash', 'prevHash')
      .addSelect('record.hash', 'hash')
      .where('record.commune_code = :communeCode', { communeCode })
      .andWhere('record.seq >= :fromSeq AND record.seq <= :toSeq', { fromSeq, toSeq })
      .orderBy('record.seq', 'ASC')
      .getRawMany<{ seq: number | string; prevHash: string; hash: string }>();
    return rows.map((row) => ({ seq: Number(row.seq), prevHash: row.prevHash, hash: row.hash }));
  }

  /** The first record (from after it) correcting each of `seqs`, wherever it is in the log. */
  private async correctorsOf(
    communeCode: string,
    seqs: readonly number[],
  ): Promise<Map<number, number>> {
    const rows: Pick<PlayoutRecord, 'seq' | 'correctsSeq'>[] = [];
    for (let start = 0; start < seqs.length; start += 500) {
      rows.push(
        ...(await this.db.manager.find(PlayoutRecord, {
          select: { seq: true, correctsSeq: true },
          where: { communeCode, correctsSeq: In(seqs.slice(start, start + 500)) },
        })),
      );
    }
    return firstCorrectors(rows);
  }
}
