import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Clock } from '../common/clock';
import { formatLocalInstant } from '../common/local-time';
import { Db } from '../database/db.service';
import { PlayoutChain } from '../playout/entities/playout-chain.entity';
import { CheckpointView } from '../playout/checkpoint.view';
import { CheckpointsService } from '../playout/checkpoints.service';
import { PlayoutLogService } from '../playout/playout-log.service';
import { ChainState } from './compliance';
import { ChainCheck } from './entities/chain-check.entity';
import { ChainCheckRun } from './chain-check.view';

function stateOf(
  check: ChainCheck | undefined,
  lastSeq: number,
  checkpoint: CheckpointView | undefined,
): ChainState {
  const latest = { checkpoint: checkpoint ?? null };
  if (!check) {
    return lastSeq === 0
      ? { ok: true, count: 0, brokenAtSeq: null, checkedAt: null, uncheckedRecords: 0, ...latest }
      : {
          ok: null,
          count: 0,
          brokenAtSeq: null,
          checkedAt: null,
          uncheckedRecords: lastSeq,
          ...latest,
        };
  }
  return {
    ok: check.ok,
    // A broken verdict kept before the count said so was written with 0.
    count: check.ok ? check.count : intactBefore(check.brokenAtSeq),
    brokenAtSeq: check.brokenAtSeq,
    checkedAt: formatLocalInstant(check.checkedAt),
    uncheckedRecords: Math.max(0, lastSeq - check.lastSeq),
    ...latest,
  };
}

/** Records verified intact when the chain broke at `brokenAtSeq`: those before it. */
function intactBefore(brokenAtSeq: number | null): number {
  return Math.max(0, (brokenAtSeq ?? 1) - 1);
}

/**
 * Hash-chain states for reports, from the playout module's `verify` (the chain is never
 * recomputed here). Verifying every chain of a province on each report would cost far more than
 * the report (every record hashed again), so the last verdict of each commune is kept and shown
 * with what it does not cover yet; the maintenance job verifies the chains that grew every few
 * minutes and every chain once a day (which catches rows edited in place), a commune's own
 * report verifies its chain on the spot, and a monitor can verify the province's now. The
 * verdict is the playout module's, so a log that no longer matches a signed checkpoint (or a
 * checkpoint whose signature fails) is broken here too; each state carries the commune's latest
 * checkpoint.
 */
@Injectable()
export class ChainChecksService {
  constructor(
    private readonly db: Db,
    private readonly playoutLog: PlayoutLogService,
    private readonly checkpoints: CheckpointsService,
    private readonly clock: Clock,
  ) {}

  /** The kept state of each commune's chain; nothing is verified here. */
  async states(communeCodes: readonly string[]): Promise<Map<string, ChainState>> {
    const heads = await this.headsOf(communeCodes);
    const checks = await this.checksOf(communeCodes);
    const checkpoints = await this.checkpoints.latest(communeCodes);
    return new Map(
      communeCodes.map((code) => [
        code,
        stateOf(checks.get(code), heads.get(code) ?? 0, checkpoints.get(code)),
      ]),
    );
  }

  /** The head (last seq and hash) of each named commune's chain that has one. */
  async heads(
    communeCodes: readonly string[],
  ): Promise<Map<string, { seq: number; hash: string }>> {
    const heads = new Map<string, { seq: number; hash: string }>();
    for (const part of chunks(communeCodes)) {
      const rows = await this.db.manager.find(PlayoutChain, {
        select: { communeCode: true, lastSeq: true, lastHash: true },
        where: { communeCode: In(part) },
      });
      for (const head of rows)
        heads.set(head.communeCode, { seq: head.lastSeq, hash: head.lastHash });
    }
    return heads;
  }

  /** Verifies one commune's chain now and keeps the verdict. */
  async verify(communeCode: string): Promise<ChainState> {
    const lastSeq = (await this.headsOf([communeCode])).get(communeCode) ?? 0;
    const verdict = await this.playoutLog.verify(communeCode);
    const check: ChainCheck = {
      communeCode,
      lastSeq,
      ok: verdict.ok,
      count: verdict.ok ? verdict.count : intactBefore(verdict.brokenAtSeq),
      brokenAtSeq: verdict.ok ? null : verdict.brokenAtSeq,
      checkedAt: this.clock.now(),
    };
    await this.db.write((manager) => manager.upsert(ChainCheck, check, ['communeCode']));
    const checkpoint = (await this.checkpoints.latest([communeCode])).get(communeCode);
    return stateOf(check, lastSeq, checkpoint);
  }

  /** Verifies every chain with records (or those named), whatever was verified before. */
  async verifyAll(communeCodes?: readonly string[]): Promise<ChainCheckRun> {
    const codes = communeCodes ?? [...(await this.headsOf()).keys()];
    return this.verifyEach(codes);
  }

  /** Verifies the chains that grew since their last verification, or were never verified. */
  async verifyStale(communeCodes?: readonly string[]): Promise<ChainCheckRun> {
    const heads = await this.headsOf(communeCodes);
    const checks = await this.checksOf(communeCodes ?? [...heads.keys()]);
    const stale = [...heads].filter(
      ([code, lastSeq]) => lastSeq > 0 && checks.get(code)?.lastSeq !== lastSeq,
    );
    return this.verifyEach(stale.map(([code]) => code));
  }

  private async verifyEach(codes: readonly string[]): Promise<ChainCheckRun> {
    const broken: string[] = [];
    for (const code of [...codes].sort()) {
      if ((await this.verify(code)).ok === false) broken.push(code);
    }
    return { checked: codes.length, broken };
  }

  /** Last seq of each commune's chain head (all communes with a head when none are named). */
  private async headsOf(communeCodes?: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    const parts = communeCodes ? chunks(communeCodes) : [undefined];
    for (const part of parts) {
      const rows = await this.db.manager.find(PlayoutChain, {
        select: { communeCode: true, lastSeq: true },
        where: part ? { communeCode: In(part) } : {},
      });
      for (const head of rows) heads.set(head.communeCode, head.lastSeq);
    }
    return heads;
  }

  private async checksOf(communeCodes: readonly string[]): Promise<Map<string, ChainCheck>> {
    const checks = new Map<string, ChainCheck>();
    for (const part of chunks(communeCodes)) {
      for (const check of await this.db.manager.findBy(ChainCheck, { communeCode: In(part) })) {
        checks.set(check.communeCode, check);
      }
    }
    return checks;
  }
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    parts.push(items.slice(start, start + size));
  }
  return parts;
}

export { ChainCheckRun } from './chain-check.view';
