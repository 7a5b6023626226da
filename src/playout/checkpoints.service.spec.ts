import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ChainReading } from './as-run-ledger';
import { CheckpointJournal } from './checkpoint-journal';
import { CheckpointKeys } from './checkpoint-keys';
import { checkpointView } from './checkpoint.view';
import { CheckpointsService } from './checkpoints.service';
import { PlayoutCheckpoint } from './entities/playout-checkpoint.entity';
import { PlayoutRecord } from './entities/playout-record.entity';

const COMMUNE = '14797';
const hashOf = (seq: number, variant = '') => `${variant}${seq}`.padStart(64, 'a');

describe('checking a chain against its checkpoints', () => {
  let dir: string;
  let keys: CheckpointKeys;
  let service: CheckpointsService;
  let journal: CheckpointJournal;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-checkpoints-'));
    const config = {
      checkpoints: {
        keyFile: join(dir, 'key.pem'),
        journalFile: join(dir, 'checkpoints.jsonl'),
        everyHours: 24,
      },
    } as AppConfig;
    keys = new CheckpointKeys(config);
    await keys.onModuleInit();
    const unused = {} as never;
    service = new CheckpointsService(
      unused,
      unused,
      keys,
      (journal = new CheckpointJournal(config)),
      unused,
      unused,
      unused,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function signed(seq: number, hash = hashOf(seq), communeCode = COMMUNE): PlayoutCheckpoint {
    const claim = { communeCode, seq, hash, signedAt: `2025-10-0${seq}T00:00:00.000Z` };
    return {
      id: `c${seq}`,
      ...claim,
      signedAt: new Date(claim.signedAt),
      keyId: keys.view.keyId,
      signature: keys.sign(claim),
      createdBy: null,
    };
  }

  /** A manager that holds these checkpoints and records of seq 1..count (hashes by `hashAt`). */
  function manager(
    checkpoints: PlayoutCheckpoint[],
    count: number,
    hashAt: (seq: number) => string = (seq) => hashOf(seq),
  ): EntityManager {
    const records = Array.from({ length: count }, (_, index) => ({
      seq: index + 1,
      hash: hashAt(index + 1),
    }));
    return {
      find: (entity: unknown) => Promise.resolve(entity === PlayoutRecord ? records : checkpoints),
    } as unknown as EntityManager;
  }

  const okReading = (count: number): ChainReading => ({
    verdict: { ok: true, count },
    lastSeq: count,
    lastHash: hashOf(count),
  });

  it('keeps the verdict when every checkpoint matches, or there is none', async () => {
    expect(await service.check(manager([], 5), COMMUNE, okReading(5))).toEqual({
      ok: true,
      count: 5,
    });
    expect(await service.check(manager([signed(2), signed(4)], 5), COMMUNE, okReading(5))).toEqual({
      ok: true,
      count: 5,
    });
  });

  it('names the first checkpoint the log no longer matches', async () => {
    const checkpoints = [signed(2), signed(4), signed(5)];
    const rewritten = (seq: number) => (seq >= 3 ? hashOf(seq, 'b') : hashOf(seq));
    expect(await service.check(manager(checkpoints, 5, rewritten), COMMUNE, okReading(5))).toEqual({
      ok: false,
      brokenAtSeq: 4,
      checkpoint: expect.objectContaining({ seq: 4, hash: hashOf(4) }),
    });
  });

  it('counts a log shorter than a checkpoint, and a bad signature, as broken', async () => {
    expect(await service.check(manager([signed(5)], 3), COMMUNE, okReading(3))).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      checkpoint: { seq: 5 },
    });
    const forged = { ...signed(2), hash: hashOf(2, 'c') };
    expect(
      await service.check(
        manager([forged], 5, (seq) => (seq === 2 ? forged.hash : hashOf(seq))),
        COMMUNE,
        okReading(5),
      ),
    ).toMatchObject({ ok: false, brokenAtSeq: 2, checkpoint: { seq: 2 } });
  });

  it('lets an earlier break of the chain itself win', async () => {
    const reading: ChainReading = {
      verdict: { ok: false, brokenAtSeq: 2 },
      lastSeq: 1,
      lastHash: hashOf(1),
    };
    const rewritten = (seq: number) => (seq >= 3 ? hashOf(seq, 'b') : hashOf(seq));
    expect(await service.check(manager([signed(4)], 5, rewritten), COMMUNE, reading)).toEqual({
      ok: false,
      brokenAtSeq: 2,
    });
  });

  it('checks the journal’s checkpoints too: rows deleted or forged in the table hide nothing', async () => {
    const commune = '14758';
    const [two, four] = [signed(2, hashOf(2), commune), signed(4, hashOf(4), commune)];
    await journal.append(checkpointView(two));
    await journal.append(checkpointView(four));
    const rewritten = (seq: number) => (seq >= 3 ? hashOf(seq, 'b') : hashOf(seq));
    // No row left in the table.
    expect(await service.check(manager([], 5, rewritten), commune, okReading(5))).toEqual({
      ok: false,
      brokenAtSeq: 4,
      checkpoint: checkpointView(four),
    });
    // The same checkpoint in both counts once; one only in the table is checked as well.
    expect(await service.check(manager([two, four], 5), commune, okReading(5))).toEqual({
      ok: true,
      count: 5,
    });
    const rowOnly = signed(5, hashOf(5), commune);
    expect(
      await service.check(manager([rowOnly], 5, rewritten), commune, okReading(5)),
    ).toMatchObject({ ok: false, brokenAtSeq: 4 });
    // A forged line (the hash changed, the signature kept) is tampering by itself.
    await journal.append({
      ...checkpointView(signed(5, hashOf(5), commune)),
      hash: hashOf(5, 'd'),
    });
    expect(
      await service.check(
        manager([], 5, (seq) => (seq === 5 ? hashOf(5, 'd') : hashOf(seq))),
        commune,
        okReading(5),
      ),
    ).toMatchObject({ ok: false, brokenAtSeq: 5, checkpoint: { seq: 5, hash: hashOf(5, 'd') } });
  });
});
