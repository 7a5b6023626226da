import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { AsRunLedger, ChainAnchor, ChainReading } from './as-run-ledger';
import { CheckpointJournal } from './checkpoint-journal';
import { CheckpointKeys, CheckpointKeyView } from './checkpoint-keys';
import { checkpointView, CheckpointView } from './checkpoint.view';
import { PlayoutChain } from './entities/playout-chain.entity';
import { PlayoutCheckpoint } from './entities/playout-checkpoint.entity';
import { PlayoutRecord } from './entities/playout-record.entity';
import { ChainVerdict } from './hash-chain';

/** What a round of signing did. */
export interface CheckpointRun {
  signed: number;
  /** Communes whose chain was broken: nothing was signed for them. */
  broken: string[];
}

const CHUNK = 500;

const order = (a: CheckpointView, b: CheckpointView) =>
  a.seq - b.seq || (a.signedAt < b.signedAt ? -1 : a.signedAt > b.signedAt ? 1 : 0);

/** Both lists as one, each checkpoint once (the same claim, key and signature), oldest first. */
function union(rows: readonly PlayoutCheckpoint[], journal: readonly CheckpointView[]) {
  const all = new Map<string, CheckpointView>();
  for (const checkpoint of [...rows.map(checkpointView), ...journal]) {
    const { communeCode, seq, hash, signedAt, keyId, signature } = checkpoint;
    all.set(JSON.stringify([communeCode, seq, hash, signedAt, keyId, signature]), checkpoint);
  }
  return [...all.values()].sort(order);
}

/**
 * Signed checkpoints of the communes' chain heads, and the check of a chain against them. A
 * checkpoint is signed only for a chain that verifies (against its records and the earlier
 * checkpoints), and it signs the last record the verification saw, never the stored head alone.
 * Each is kept twice: in the table and in the journal outside the database; what is served and
 * checked is the union of both, so deleting or changing rows does not hide a rewrite.
 */
@Injectable()
export class CheckpointsService implements ChainAnchor {
  private readonly logger = new Logger(CheckpointsService.name);

  constructor(
    private readonly db: Db,
    private readonly ledger: AsRunLedger,
    private readonly keys: CheckpointKeys,
    private readonly journal: CheckpointJournal,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  publicKey(): CheckpointKeyView {
    return this.keys.view;
  }

  /** The commune's checkpoints, oldest first. */
  async list(communeCode: string): Promise<CheckpointView[]> {
    this.geo.commune(communeCode);
    const rows = await this.db.manager.find(PlayoutCheckpoint, { where: { communeCode } });
    return union(rows, await this.journal.of(communeCode));
  }

  /** Checkpoints with `seq` from `fromSeq` on, oldest first (those an export can be checked by). */
  async listFrom(communeCode: string, fromSeq: number): Promise<CheckpointView[]> {
    const rows = await this.db.manager
      .createQueryBuilder(PlayoutCheckpoint, 'checkpoint')
      .where('checkpoint.commune_code = :communeCode', { communeCode })
      .andWhere('checkpoint.seq >= :fromSeq', { fromSeq })
      .orderBy('checkpoint.seq', 'ASC')
      .addOrderBy('checkpoint.signed_at', 'ASC')
      .getMany();
    const journal = await this.journal.of(communeCode);
    return union(
      rows,
      journal.filter((checkpoint) => checkpoint.seq >= fromSeq),
    );
  }

  /** The latest checkpoint (highest seq, then latest signed) of each commune that has one. */
  async latest(communeCodes: readonly string[]): Promise<Map<string, CheckpointView>> {
    const latest = new Map<string, CheckpointView>();
    for (let start = 0; start < communeCodes.length; start += CHUNK) {
      const rows = await this.db.manager
        .createQueryBuilder(PlayoutCheckpoint, 'checkpoint')
        .where('checkpoint.commune_code IN (:...codes)', {
          codes: communeCodes.slice(start, start + CHUNK),
        })
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM playout_checkpoint later WHERE later.commune_code = checkpoint.commune_code
            AND (later.seq > checkpoint.seq OR (later.seq = checkpoint.seq AND later.signed_at > checkpoint.signed_at)))`,
        )
        .getMany();
      for (const row of rows) latest.set(row.communeCode, checkpointView(row));
    }
    for (const [communeCode, journal] of await this.journal.ofEach(communeCodes)) {
      for (const checkpoint of journal) {
        const known = latest.get(communeCode);
        if (!known || order(known, checkpoint) < 0) latest.set(communeCode, checkpoint);
      }
    }
    return latest;
  }

  /** The chain verified against its records, its stored head and its checkpoints. */
  verify(communeCode: string): Promise<ChainVerdict> {
    return this.ledger.verify(communeCode, this);
  }

  /**
   * Signs the commune's chain as verified now. Refused when the chain is broken (a checkpoint
   * must never bless a tampered log) or holds no record yet.
   */
  async sign(communeCode: string, actor?: AuthUser): Promise<CheckpointView> {
    this.geo.commune(communeCode);
    const reading = await this.ledger.read(communeCode, this);
    if (!reading.verdict.ok) {
      throw new DomainError(
        'PLAYOUT_CHAIN_BROKEN',
        `The as-run chain of commune ${communeCode} is broken at seq ${reading.verdict.brokenAtSeq}; nothing was signed`,
        { brokenAtSeq: reading.verdict.brokenAtSeq },
      );
    }
    if (reading.lastSeq === 0) {
      throw new DomainError(
        'PLAYOUT_LOG_EMPTY',
        `Commune ${communeCode} has no as-run record to sign yet`,
      );
    }
    const signedAt = this.clock.now();
    const claim = {
      communeCode,
      seq: reading.lastSeq,
      hash: reading.lastHash,
      signedAt: signedAt.toISOString(),
    };
    const checkpoint: PlayoutCheckpoint = {
      id: newId(),
      ...claim,
      signedAt,
      keyId: this.keys.view.keyId,
      signature: this.keys.sign(claim),
      createdBy: actor?.id ?? null,
    };
    // On disk outside the database first: a checkpoint is never served as made without it.
    await this.journal.append(checkpointView(checkpoint));
    await this.db.write(async (manager) => {
      await manager.insert(PlayoutCheckpoint, checkpoint);
      if (actor) {
        await this.audit.record(
          {
            action: 'playout.checkpoint.signed',
            actor,
            targetType: 'playout_checkpoint',
            targetId: checkpoint.id,
            communeCode,
            detail: { seq: checkpoint.seq, hash: checkpoint.hash, keyId: checkpoint.keyId },
          },
          manager,
        );
      }
    });
    return checkpointView(checkpoint);
  }

  /**
   * Signs every commune whose chain head moved since its latest checkpoint (or that has records
   * and no checkpoint). A broken chain is left unsigned and named.
   */
  async signChanged(): Promise<CheckpointRun> {
    const heads = await this.db.manager.find(PlayoutChain, {
      select: { communeCode: true, lastSeq: true },
    });
    const withRecords = heads.filter((head) => head.lastSeq > 0);
    const latest = await this.latest(withRecords.map((head) => head.communeCode));
    const run: CheckpointRun = { signed: 0, broken: [] };
    for (const head of withRecords.sort((a, b) => a.communeCode.localeCompare(b.communeCode))) {
      if (latest.get(head.communeCode)?.seq === head.lastSeq) continue;
      try {
        await this.sign(head.communeCode);
        run.signed += 1;
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'PLAYOUT_CHAIN_BROKEN') throw error;
        this.logger.error(`Checkpoint of commune ${head.communeCode} not signed: ${error.message}`);
        run.broken.push(head.communeCode);
      }
    }
    return run;
  }

  /**
   * `ChainAnchor`: the log must still hold, at each checkpoint's seq, the hash it signed, and each
   * checkpoint's signature must verify with the service's key (a forged or foreign one counts as
   * tampering). The earliest disagreement decides; the walk's own verdict wins when it is earlier.
   * The checkpoints are those of the table and of the journal: one missing from either is no
   * fault by itself.
   */
  async check(
    manager: EntityManager,
    communeCode: string,
    reading: ChainReading,
  ): Promise<ChainVerdict> {
    const checkpoints = union(
      await manager.find(PlayoutCheckpoint, { where: { communeCode } }),
      await this.journal.of(communeCode),
    );
    if (checkpoints.length === 0) return reading.verdict;
    const seqs = [...new Set(checkpoints.map((checkpoint) => checkpoint.seq))];
    const stored = new Map<number, string>();
    for (let start = 0; start < seqs.length; start += CHUNK) {
      const rows = await manager.find(PlayoutRecord, {
        select: { seq: true, hash: true },
        where: { communeCode, seq: In(seqs.slice(start, start + CHUNK)) },
      });
      for (const row of rows) stored.set(row.seq, row.hash);
    }
    for (const checkpoint of checkpoints) {
      let brokenAtSeq: number | null = null;
      if (!this.keys.verify(checkpoint, checkpoint.keyId, checkpoint.signature)) {
        brokenAtSeq = checkpoint.seq;
      } else if (checkpoint.seq > reading.lastSeq && reading.verdict.ok) {
        // The log holds fewer records than were signed.
        brokenAtSeq = reading.lastSeq + 1;
      } else if (stored.has(checkpoint.seq) && stored.get(checkpoint.seq) !== checkpoint.hash) {
        brokenAtSeq = checkpoint.seq;
      } else if (!stored.has(checkpoint.seq)) {
        brokenAtSeq = Math.min(checkpoint.seq, reading.lastSeq + 1);
      }
      if (brokenAtSeq === null) continue;
      if (!reading.verdict.ok && reading.verdict.brokenAtSeq <= brokenAtSeq) return reading.verdict;
      return { ok: false, brokenAtSeq, checkpoint };
    }
    return reading.verdict;
  }
}
