import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Db } from '../database/db.service';
import { AsRunLedger } from '../playout/as-run-ledger';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { AirtimeRollupState } from './entities/airtime-daily.entity';
import { catchUpCommune, laggingCommunes, rebuildCommune } from './rollups';
import { RollupRun } from './rollup.view';

/**
 * Catch-up and rebuild of the daily roll-ups. Appends keep them current by themselves
 * (`applyToRollups`, registered with the ledger's append hook); these repair what was written around them. Each commune is
 * done in its own transaction holding its chain head, so appends wait rather than interleave.
 */
@Injectable()
export class RollupsService {
  private readonly logger = new Logger(RollupsService.name);

  constructor(
    private readonly db: Db,
    private readonly ledger: AsRunLedger,
    private readonly clock: Clock,
  ) {}

  /** Rolls up the records that are in the log but not in the roll-ups (all communes, or those). */
  async catchUp(communeCodes?: readonly string[]): Promise<RollupRun> {
    const lagging = await laggingCommunes(this.db.manager, communeCodes);
    let records = 0;
    for (const communeCode of lagging) {
      records += await this.db.write(async (manager) => {
        await this.ledger.lockHead(manager, communeCode);
        return catchUpCommune(manager, communeCode);
      });
    }
    if (lagging.length > 0) {
      this.logger.log(`Rolled up ${records} record(s) of ${lagging.length} commune(s)`);
    }
    return { communes: lagging.length, records };
  }

  /** Recomputes the roll-ups from the whole log (every commune with records or roll-ups). */
  async rebuild(communeCodes?: readonly string[]): Promise<RollupRun> {
    const codes = communeCodes ?? (await this.communesWithData());
    let records = 0;
    for (const communeCode of [...codes].sort()) {
      records += await this.db.write(async (manager) => {
        await this.ledger.lockHead(manager, communeCode);
        return rebuildCommune(manager, communeCode, this.clock.now());
      });
    }
    this.logger.log(`Rebuilt the roll-ups of ${codes.length} commune(s) from ${records} record(s)`);
    return { communes: codes.length, records };
  }

  private async communesWithData(): Promise<string[]> {
    const heads = await this.db.manager.find(PlayoutChain, { select: { communeCode: true } });
    const states = await this.db.manager.find(AirtimeRollupState, {
      select: { communeCode: true },
    });
    return [...new Set([...heads, ...states].map((row) => row.communeCode))];
  }
}

export { RollupRun } from './rollup.view';
