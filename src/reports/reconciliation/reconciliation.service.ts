import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { itemTitles } from '../../playout/automation-recorder';
import { addDays, localMidnight } from '../../common/local-time';
import { toInstant } from '../../database/columns';
import { Db } from '../../database/db.service';
import { GeoService } from '../../geo/geo.service';
import { ScheduleItem } from '../../schedule/entities/schedule-item.entity';
import { AsRunReader } from '../as-run-reader';
import { resolveRange } from '../report-range';
import { CodeTotal, DiscrepancyCode, PlannedItem, reconcile } from './reconciliation';
import { ReconciliationReport } from './reconciliation.view';

export interface ReconciliationQuery {
  from: string;
  to: string;
  code?: DiscrepancyCode;
  page?: number;
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 50;

/**
 * Reads the commune's program log and its as-run log (through the reports' AsRunReader, so the
 * corrections count as in every report) and reconciles them. Records and items of the day on
 * each side of the range are read too, so that an item near midnight meets its record. The
 * items are read first: an item's record and its leaving the open statuses are one write, so
 * an item read open whose record is written before the records are read comes with it, and one
 * read closed has its record in the read that follows (never "no record" in between).
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly db: Db,
    private readonly geo: GeoService,
    private readonly reader: AsRunReader,
  ) {}

  /** The totals and one page of the lines (of `query.code` when given). */
  async report(communeCode: string, query: ReconciliationQuery): Promise<ReconciliationReport> {
    return this.compute(communeCode, query, query.pageSize ?? DEFAULT_PAGE_SIZE, query.page ?? 1);
  }

  /** The totals and every line (the exports). */
  all(communeCode: string, query: ReconciliationQuery): Promise<ReconciliationReport> {
    return this.compute(communeCode, query, null, 1);
  }

  private async compute(
    communeCode: string,
    query: ReconciliationQuery,
    pageSize: number | null,
    page: number,
  ): Promise<ReconciliationReport> {
    const range = resolveRange(query, query);
    const commune = this.geo.commune(communeCode);
    const around = { from: addDays(range.from, -1), to: addDays(range.to, 1) };
    const found = await this.itemsAround(communeCode, around);
    const records = await this.reader.countedRecords(communeCode, around);
    const named = records.map((record) => record.scheduleItemId).filter((id) => id !== null);
    found.push(...(await this.itemsNamed(communeCode, found, named)));
    const items = await this.planned(found);
    const result = reconcile({ range, items, records });
    const chosen = query.code
      ? result.lines.filter((line) => line.code === query.code)
      : result.lines;
    const sum = (pick: (total: CodeTotal) => number): number =>
      Math.round(result.totals.reduce((total, row) => total + pick(row) * 1000, 0)) / 1000;
    return {
      communeCode,
      communeName: commune.name,
      from: range.from,
      to: range.to,
      toleranceSeconds: result.toleranceSeconds,
      totals: result.totals,
      plannedSeconds: sum((total) => total.plannedSeconds),
      airedSeconds: sum((total) => total.airedSeconds),
      lines: pageSize === null ? chosen : chosen.slice((page - 1) * pageSize, page * pageSize),
      code: query.code ?? null,
      page,
      pageSize: pageSize ?? Math.max(1, chosen.length),
      lineCount: chosen.length,
    };
  }

  /** Items starting in `range`, any status. */
  private itemsAround(
    communeCode: string,
    range: { from: string; to: string },
  ): Promise<ScheduleItem[]> {
    return this.db.manager
      .createQueryBuilder(ScheduleItem, 'item')
      .where('item.communeCode = :communeCode', { communeCode })
      .andWhere('item.startsAt >= :from AND item.startsAt < :to', {
        from: toInstant(localMidnight(range.from)),
        to: toInstant(localMidnight(addDays(range.to, 1))),
      })
      .orderBy('item.startsAt', 'ASC')
      .getMany();
  }

  /** The items of `ids` not among `known` (records' items outside the range). */
  private async itemsNamed(
    communeCode: string,
    known: readonly ScheduleItem[],
    ids: readonly string[],
  ): Promise<ScheduleItem[]> {
    const knownIds = new Set(known.map((item) => item.id));
    const missing = [...new Set(ids)].filter((id) => !knownIds.has(id));
    const found: ScheduleItem[] = [];
    for (let start = 0; start < missing.length; start += 500) {
      found.push(
        ...(await this.db.manager.findBy(ScheduleItem, {
          communeCode,
          id: In(missing.slice(start, start + 500)),
        })),
      );
    }
    return found;
  }

  /** The items as the reconciliation reads them, with their titles. */
  private async planned(found: readonly ScheduleItem[]): Promise<PlannedItem[]> {
    const titles = await itemTitles(this.db.manager, found);
    return found.map((item) => ({
      id: item.id,
      bulletinId: item.bulletinId,
      title: titles.get(item.id) ?? null,
      startsAt: item.startsAt,
      endsAt: item.endsAt,
      durationMs: item.durationMs,
      status: item.status,
      cancelReason: item.cancelReason,
    }));
  }
}

export { ReconciliationReport } from './reconciliation.view';
