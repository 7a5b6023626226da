import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AsRunLedger } from '../playout/as-run-ledger';
import { applyToRollups, dayTotals } from './rollups';

/**
 * Keeps the roll-ups in the same transaction as every as-run append: registers
 * `applyToRollups` with the ledger's append hook, and `dayTotals` as the reader of the day
 * totals they keep. The arrow goes from reports to playout only; the ledger does not know the
 * roll-ups exist.
 */
@Injectable()
export class RollupsHook implements OnModuleInit, OnModuleDestroy {
  private readonly unregister: (() => void)[] = [];

  constructor(private readonly ledger: AsRunLedger) {}

  onModuleInit(): void {
    this.unregister.push(this.ledger.onAppend(applyToRollups), this.ledger.onDayTotals(dayTotals));
  }

  onModuleDestroy(): void {
    for (const unregister of this.unregister.splice(0)) unregister();
  }
}
