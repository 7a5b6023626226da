import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AsRunLedger } from '../playout/as-run-ledger';
import { applyToRollups } from './rollups';

/**
 * Keeps the roll-ups in the same transaction as every as-run append: registers
 * `applyToRollups` with the ledger's append hook. The arrow goes from reports to playout only;
 * the ledger does not know the roll-ups exist.
 */
@Injectable()
export class RollupsHook implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(private readonly ledger: AsRunLedger) {}

  onModuleInit(): void {
    this.unregister = this.ledger.onAppend(applyToRollups);
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
