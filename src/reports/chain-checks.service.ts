import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Clock } from '../common/clock';
import { formatLocalInstant } from '../common/local-time';
import { Db } from '../database/db.service';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { PlayoutLogService } from '../playout/playout-log.service';
import { ChainState } from './compliance';
import { ChainCheck } from './entities/chain-check.entity';

const NOTHING_TO_CHECK: ChainState = { ok: true, count: 0, brokenAtSeq: null, checkedAt: null };

function stateOf(check: ChainCheck): ChainState {
  return {
    ok: check.ok,
    count: check.count,
    brokenAtSeq: check.brokenAtSeq,
    checkedAt: formatLocalInstant(check.checkedAt),
  };
}

/**
 * Hash-chain states for reports, from the playout module's `verify` (the chain is never
 * recomputed here). Verifying 166 chains per province report would cost more than the report,
 * so the last verdict of each commune is kept: it is reused while the chain has not grown, and
 * the maintenance job re-verifies every chain on a schedule, which catches rows edited in place.
 */
@Injectable()
export class ChainChecksService {
  constructor(
    private readonly db: Db,
    private readonly playoutLog: PlayoutLogService,
    private readonly clock: Clock,
  ) {}

  /** The state of each commune's chain: the kept verdict while current, else verified now. */
  async states(communeCodes: readonly string[]): Promise<Map<string, ChainState>> {
    const heads = await this.headsOf(communeCodes);
    const checks = new Map<string, ChainCheck>();
    for (const part of chunks(communeCodes)) {
      for (const check of await this.db.manager.findBy(ChainCheck, { communeCode: In(part) })) {
        checks.set(check.communeCode, check);
      }
    }
    const states = new Map<string, ChainState>();
    for (const code of communeCodes) {
      const lastSeq = heads.get(code) ?? 0;
      const check = checks.get(code);
      if (lastSeq === 0 && !check) {
        states.set(code, NOTHING_TO_CHECK);
      } else if (check && check.lastSeq === lastSeq) {
        states.set(code, stateOf(check));
      } else {
        states.set(code, await this.verify(code));
      }
    }
    return states;
  }

  /** Verifies one commune's chain now and keeps the verdict. */
  async verify(communeCode: string): Promise<ChainState> {
    const lastSeq = (await this.headsOf([communeCode])).get(communeCode) ?? 0;
    const verdict = await this.playoutLog.verify(communeCode);
    const check: ChainCheck = {
      communeCode,
      lastSeq,
      ok: verdict.ok,
      count: verdict.ok ? verdict.count : 0,
      brokenAtSeq: verdict.ok ? null : verdict.brokenAtSeq,
      checkedAt: this.clock.now(),
    };
    await this.db.write((manager) => manager.upsert(ChainCheck, check, ['communeCode']));
    return stateOf(check);
  }

  /** Re-verifies every chain (or those named); returns the communes whose chain is broken. */
  async verifyAll(
    communeCodes?: readonly string[],
  ): Promise<{ checked: number; broken: string[] }> {
    const codes =
      communeCodes ??
      (await this.db.manager.find(PlayoutChain, { select: { communeCode: true } })).map(
        (head) => head.communeCode,
      );
    const broken: string[] = [];
    for (const code of [...codes].sort()) {
      if (!(await this.verify(code)).ok) broken.push(code);
    }
    return { checked: codes.length, broken };
  }

  private async headsOf(communeCodes: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    for (const part of chunks(communeCodes)) {
      const rows = await this.db.manager.find(PlayoutChain, {
        select: { communeCode: true, lastSeq: true },
        where: { communeCode: In(part) },
      });
      for (const head of rows) heads.set(head.communeCode, head.lastSeq);
    }
    return heads;
  }
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    parts.push(items.slice(start, start + size));
  }
  return parts;
}
