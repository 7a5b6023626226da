import { Job } from 'bullmq';
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ReportsMaintenanceProcessor } from '../src/reports/reports-maintenance.processor';
import { runPython } from './support/python';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/**
 * Issue 12, finding 7: a database administrator rewrites a record and re-chains everything after
 * it. Signed checkpoints, kept and checked outside the database's reach, give it away.
 */

/** Communes of Thanh Hóa (38): Phường Hạc Thành, Hàm Rồng, Bỉm Sơn, Quang Trung. */
const REWRITTEN = '14797';
const TRUNCATED = '14758';
const FORGED = '14812';
const QUIET = '14818';
const PROVINCE = '38';

interface RecordJson {
  communeCode: string;
  seq: number;
  scheduleItemId: string | null;
  bulletinId: string | null;
  topics: string[];
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: string;
  source: string;
  correctsSeq: number | null;
  prevHash: string;
  hash: string;
}

interface CheckpointJson {
  communeCode: string;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

interface KeyJson {
  keyId: string;
  algorithm: string;
  publicKey: string;
  publicKeyPem: string;
}

interface ExportJson {
  head: { lastSeq: number; lastHash: string };
  verify: { ok: boolean; brokenAtSeq?: number };
  records: RecordJson[];
  links: { seq: number; prevHash: string; hash: string }[];
  checkpoints: CheckpointJson[];
}

/** The chain's hash as DESIGN.md defines it, written from the text (what the rewriter does). */
function chainHash(prevHash: string, record: RecordJson): string {
  const canonical =
    `{"communeCode":${JSON.stringify(record.communeCode)}` +
    `,"seq":${record.seq}` +
    `,"scheduleItemId":${JSON.stringify(record.scheduleItemId)}` +
    `,"bulletinId":${JSON.stringify(record.bulletinId)}` +
    `,"topics":${JSON.stringify([...record.topics].sort())}` +
    `,"startedAt":${JSON.stringify(record.startedAt)}` +
    `,"endedAt":${JSON.stringify(record.endedAt)}` +
    `,"playedMs":${record.playedMs}` +
    `,"outcome":${JSON.stringify(record.outcome)}` +
    `,"source":${JSON.stringify(record.source)}` +
    `,"correctsSeq":${JSON.stringify(record.correctsSeq)}}`;
  return createHash('sha256').update(`${prevHash}\n${canonical}`, 'utf8').digest('hex');
}

/** The signed text as README.md states it. */
function claimText(checkpoint: CheckpointJson): string {
  return (
    `{"communeCode":${JSON.stringify(checkpoint.communeCode)},"seq":${checkpoint.seq}` +
    `,"hash":${JSON.stringify(checkpoint.hash)},"signedAt":${JSON.stringify(checkpoint.signedAt)}}`
  );
}

const VERIFIER = readFileSync(join(__dirname, '..', 'scripts', 'verify-as-run.py'), 'utf8');

/** The verification snippet README.md gives provinces, taken from the README itself. */
function readmeSnippet(): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Verifying the hash chain yourself'));
  const match = /```python\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no verification script');
  return match[1];
}

jest.setTimeout(120000);

describe('security: signed checkpoints of the as-run chains (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let operator: string;
  let otherOperator: string;
  let monitor: string;
  let keyFile: string;
  let journalFile: string;
  let key: KeyJson;

  const start = () => startTestApp(storage, { APP_ROLES: 'api,worker' });
  const http = () => app.http();
  const checkpointsOf = (commune: string, token: string) =>
    http().get(`/api/v1/communes/${commune}/playout-log/checkpoints`).set(bearer(token));
  const signNow = (commune: string, token: string) =>
    http().post(`/api/v1/communes/${commune}/playout-log/checkpoints`).set(bearer(token));
  const verify = async (commune: string) =>
    (
      await http()
        .get(`/api/v1/communes/${commune}/playout-log/verify`)
        .set(bearer(admin))
        .expect(200)
    ).body as { ok: boolean; count?: number; brokenAtSeq?: number; checkpoint?: CheckpointJson };
  const exportOf = async (commune: string, from = '2025-10-01', to = '2025-10-31') =>
    (
      await http()
        .get(`/api/v1/reports/communes/${commune}/as-run?from=${from}&to=${to}`)
        .set(bearer(admin))
        .expect(200)
    ).body as ExportJson;
  const records = async (commune: string) =>
    (await http().get(`/api/v1/communes/${commune}/playout-log`).set(bearer(admin)).expect(200))
      .body as RecordJson[];

  /** One record a day on `days` days of October 2025 from `firstDay`. */
  async function fillLog(commune: string, days = 5, firstDay = 1): Promise<void> {
    for (let day = firstDay; day < firstDay + days; day += 1) {
      const startedAt = new Date(Date.UTC(2025, 9, day, 0, 30));
      await http()
        .post(`/api/v1/communes/${commune}/playout-log`)
        .set(bearer(admin))
        .send({
          outcome: 'aired',
          title: `Bản tin chuyển đổi số ngày ${day}`,
          topics: ['chinh-quyen-so'],
          startedAt: startedAt.toISOString(),
          endedAt: new Date(startedAt.getTime() + 120000).toISOString(),
        })
        .expect(201);
    }
  }

  /** A file in the test's folder; returns its path. */
  function file(name: string, content: string, encoding: BufferEncoding = 'utf8'): string {
    const path = join(storage.dir, name);
    writeFileSync(path, content, encoding);
    return path;
  }

  const runVerifier = (input: unknown, args: string[] = []) =>
    runPython(VERIFIER, JSON.stringify(input), args);

  /** What a database administrator does: SQL on the tables, hashes recomputed as DESIGN.md says. */
  async function rewrite(commune: string, seq: number, playedMs: number): Promise<void> {
    const dataSource = app.app.get(DataSource);
    const p = (index: number) => (dataSource.options.type === 'postgres' ? `$${index}` : '?');
    const chain = await records(commune);
    let prevHash = chain[seq - 2]?.hash ?? '0'.repeat(64);
    for (const record of chain.filter((candidate) => candidate.seq >= seq)) {
      const changed = record.seq === seq ? { ...record, playedMs } : record;
      const hash = chainHash(prevHash, changed);
      await dataSource.query(
        `UPDATE playout_record SET played_ms = ${p(1)}, prev_hash = ${p(2)}, hash = ${p(3)} ` +
          `WHERE commune_code = ${p(4)} AND seq = ${p(5)}`,
        [changed.playedMs, prevHash, hash, commune, record.seq],
      );
      prevHash = hash;
    }
    await dataSource.query(
      `UPDATE playout_chain SET last_hash = ${p(1)} WHERE commune_code = ${p(2)}`,
      [prevHash, commune],
    );
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    keyFile = storage.env.CHECKPOINT_KEY_FILE!;
    expect(keyFile.startsWith(storage.dir)).toBe(true);
    expect(() => statSync(keyFile)).toThrow();
    journalFile = join(storage.dir, 'checkpoints.jsonl');
    app = await start();
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: REWRITTEN,
    });
    otherOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-ham-rong',
      role: 'operator',
      communeCode: TRUNCATED,
    });
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('makes its key at the first start (0600), publishes it, and keeps it across restarts', async () => {
    const info = statSync(keyFile);
    expect(info.mode & 0o777).toBe(0o600);
    const pem = readFileSync(keyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const served = await http().get('/api/v1/checkpoint-key').expect(200);
    key = served.body as KeyJson;
    expect(key.algorithm).toBe('Ed25519');
    const raw = Buffer.from(key.publicKey, 'base64');
    expect(raw).toHaveLength(32);
    expect(key.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    const fromPem = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
    expect(Buffer.from(fromPem.x!, 'base64url').equals(raw)).toBe(true);
    // The private key file holds the published key's pair.
    const fromFile = createPublicKey(pem).export({ format: 'jwk' });
    expect(fromFile.x).toBe(fromPem.x);

    await fillLog(QUIET, 1);
    const before = (await signNow(QUIET, admin).expect(201)).body as CheckpointJson;
    // Appended to the journal next to the key, outside the database, before it was served.
    expect(readFileSync(journalFile, 'utf8')).toBe(`${JSON.stringify(before)}\n`);
    await app.close();
    app = await start();
    expect(readFileSync(keyFile, 'utf8')).toBe(pem);
    expect((await http().get('/api/v1/checkpoint-key').expect(200)).body).toEqual(key);
    admin = await app.login(ADMIN.username, ADMIN.password);
    expect(await verify(QUIET)).toEqual({ ok: true, count: 1 });
    expect((await checkpointsOf(QUIET, admin).expect(200)).body).toEqual([before]);
  });

  it('lets admins sign now, serves checkpoints with the log’s access, and refuses the rest', async () => {
    await fillLog(REWRITTEN);
    await signNow(REWRITTEN, operator).expect(403);
    await signNow(REWRITTEN, monitor).expect(403);
    const empty = await signNow(FORGED, admin).expect(409);
    expect(empty.body).toMatchObject({ code: 'PLAYOUT_LOG_EMPTY' });
    await checkpointsOf(FORGED, admin).expect(200, []);

    const signed = await signNow(REWRITTEN, admin).expect(201);
    const checkpoint = signed.body as CheckpointJson;
    const chain = await records(REWRITTEN);
    expect(checkpoint).toEqual({
      communeCode: REWRITTEN,
      seq: 5,
      hash: chain[4].hash,
      signedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      keyId: key.keyId,
      signature: expect.any(String),
    });
    // Anyone checks it with the published key and the text README.md defines.
    expect(
      verifySignature(
        null,
        Buffer.from(claimText(checkpoint), 'utf8'),
        createPublicKey(key.publicKeyPem),
        Buffer.from(checkpoint.signature, 'base64'),
      ),
    ).toBe(true);

    // And with OpenSSL alone, as README.md shows.
    const openssl = (claim: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          'openssl',
          [
            'pkeyutl',
            '-verify',
            '-pubin',
            '-inkey',
            file('openssl-key.pem', key.publicKeyPem),
            '-rawin',
            '-in',
            file('claim.txt', claim),
            '-sigfile',
            file(
              'sig.bin',
              Buffer.from(checkpoint.signature, 'base64').toString('latin1'),
              'latin1',
            ),
          ],
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
    expect(await openssl(claimText(checkpoint))).toMatch(/Signature Verified Successfully/);
    await expect(openssl(claimText({ ...checkpoint, seq: 4 }))).rejects.toThrow();

    expect((await checkpointsOf(REWRITTEN, operator).expect(200)).body).toEqual([checkpoint]);
    expect((await checkpointsOf(REWRITTEN, monitor).expect(200)).body).toEqual([checkpoint]);
    await checkpointsOf(REWRITTEN, otherOperator).expect(403);
    expect(await verify(REWRITTEN)).toEqual({ ok: true, count: 5 });
  });

  it('catches a record rewritten and re-chained in the database, from a checkpoint signed before', async () => {
    const [signed] = (await checkpointsOf(REWRITTEN, admin).expect(200)).body as CheckpointJson[];
    const earlier = await exportOf(REWRITTEN);
    expect(earlier.checkpoints).toEqual([signed]);
    expect(earlier.head).toEqual({ lastSeq: 5, lastHash: signed.hash });
    const keyPath = file('key.json', JSON.stringify(key));
    const pemPath = file('key.pem', key.publicKeyPem);
    const checkpointPath = file('checkpoint.json', JSON.stringify(signed));
    const withCheckpoint = ['--public-key', keyPath, '--checkpoint', checkpointPath];
    expect((await runVerifier(earlier, withCheckpoint)).trim()).toBe(
      'ok 5 records, seq 1-5, 0 gap(s); linked to the head (seq 5); 2 checkpoint(s) verified',
    );
    const snippet = readmeSnippet();
    expect(
      (await runPython(snippet, JSON.stringify(earlier), [checkpointPath, pemPath])).trim(),
    ).toBe('ok 5');

    await rewrite(REWRITTEN, 3, 30000);
    const rewritten = await records(REWRITTEN);
    expect(rewritten[2].playedMs).toBe(30000);
    expect(rewritten[4].hash).not.toBe(signed.hash);

    // The chain itself is flawless: without a checkpoint nothing shows.
    const later = await exportOf(REWRITTEN);
    expect((await runVerifier(later)).trim()).toMatch(
      /^ok 5 records, seq 1-5, 0 gap\(s\); linked to the head \(seq 5\)/,
    );
    expect((await runPython(snippet, JSON.stringify(later))).trim()).toBe('ok 5');

    // The checkpoint signed before gives it away: on the server, in the script and the snippet.
    expect(await verify(REWRITTEN)).toEqual({ ok: false, brokenAtSeq: 5, checkpoint: signed });
    expect(later.verify).toEqual({ ok: false, brokenAtSeq: 5, checkpoint: signed });
    await expect(runVerifier(later, withCheckpoint)).rejects.toThrow(
      'broken at seq 5: the log differs from the checkpoint',
    );
    await expect(runVerifier(later, ['--public-key', keyPath])).rejects.toThrow(
      'broken at seq 5: the log differs from the checkpoint',
    );
    await expect(
      runPython(snippet, JSON.stringify(later), [checkpointPath, pemPath]),
    ).rejects.toThrow('broken at seq 5: the log differs from the checkpoint');

    // Nothing blesses the rewritten log, and the reports say it is broken.
    const refused = await signNow(REWRITTEN, admin).expect(409);
    expect(refused.body).toMatchObject({ code: 'PLAYOUT_CHAIN_BROKEN', brokenAtSeq: 5 });
    const run = await http()
      .post(`/api/v1/reports/chain-checks?province=${PROVINCE}`)
      .set(bearer(monitor))
      .expect(200);
    expect((run.body as { broken: string[] }).broken).toEqual([REWRITTEN]);
    const compliance = await http()
      .get(`/api/v1/reports/compliance?campaign=cds-2025&province=${PROVINCE}`)
      .set(bearer(monitor))
      .expect(200);
    const communes = (
      compliance.body as {
        communes: { communeCode: string; chain: { ok: boolean; checkpoint: unknown } }[];
      }
    ).communes;
    expect(communes.find((info) => info.communeCode === REWRITTEN)?.chain).toMatchObject({
      ok: false,
      brokenAtSeq: 5,
      checkpoint: signed,
    });
    expect(communes.find((info) => info.communeCode === QUIET)?.chain.checkpoint).toMatchObject({
      seq: 1,
      keyId: key.keyId,
    });

    // Deleting the checkpoints from the database does not help: the journal outside it keeps
    // them, on the server (also after a restart) as in any copy kept elsewhere.
    await app.app
      .get(DataSource)
      .query(`DELETE FROM playout_checkpoint WHERE commune_code = '${REWRITTEN}'`);
    const rows = await app.app
      .get(DataSource)
      .query<{ n: number | string }[]>(
        `SELECT COUNT(*) AS n FROM playout_checkpoint WHERE commune_code = '${REWRITTEN}'`,
      );
    expect(Number(rows[0].n)).toBe(0);
    expect(await verify(REWRITTEN)).toEqual({ ok: false, brokenAtSeq: 5, checkpoint: signed });
    expect((await checkpointsOf(REWRITTEN, admin).expect(200)).body).toEqual([signed]);
    const afterDeletion = await exportOf(REWRITTEN);
    expect(afterDeletion.verify).toEqual({ ok: false, brokenAtSeq: 5, checkpoint: signed });
    expect(afterDeletion.checkpoints).toEqual([signed]);
    await expect(runVerifier(afterDeletion, ['--public-key', keyPath])).rejects.toThrow(
      'broken at seq 5: the log differs from the checkpoint',
    );
    await expect(runVerifier(afterDeletion, withCheckpoint)).rejects.toThrow(
      'broken at seq 5: the log differs from the checkpoint',
    );
    await signNow(REWRITTEN, admin).expect(409);

    await app.close();
    app = await start();
    admin = await app.login(ADMIN.username, ADMIN.password);
    expect(await verify(REWRITTEN)).toEqual({ ok: false, brokenAtSeq: 5, checkpoint: signed });
    const rerun = await http()
      .post(`/api/v1/reports/chain-checks?province=${PROVINCE}`)
      .set(bearer(monitor))
      .expect(200);
    expect((rerun.body as { broken: string[] }).broken).toEqual([REWRITTEN]);
  });

  it('catches records cut off the end, in the database and in an export', async () => {
    await fillLog(TRUNCATED);
    const signed = (await signNow(TRUNCATED, admin).expect(201)).body as CheckpointJson;
    const whole = await exportOf(TRUNCATED);
    const keyPath = file('key-truncated.json', JSON.stringify(key));
    expect((await runVerifier(whole, ['--public-key', keyPath])).trim()).toBe(
      'ok 5 records, seq 1-5, 0 gap(s); linked to the head (seq 5); 1 checkpoint(s) verified',
    );

    // An export with its last records dropped, with or without its checkpoints.
    const cut = { ...whole, records: whole.records.slice(0, 3) };
    await expect(runVerifier(cut)).rejects.toThrow('broken at seq 4: missing from the export');
    await expect(runVerifier({ ...cut, checkpoints: [] })).rejects.toThrow(
      'broken at seq 4: missing from the export',
    );
    const snippet = readmeSnippet();
    await expect(runPython(snippet, JSON.stringify(cut))).rejects.toThrow(
      'broken at seq 4: the export stops before its head',
    );
    // A range that leaves records out is linked to the head; cutting it is noticed too.
    const firstDays = await exportOf(TRUNCATED, '2025-10-01', '2025-10-02');
    expect(firstDays.records.map((record) => record.seq)).toEqual([1, 2]);
    expect(firstDays.links.map((link) => link.seq)).toEqual([3, 4, 5]);
    expect((await runVerifier(firstDays, ['--public-key', keyPath])).trim()).toBe(
      'ok 2 records, seq 1-2, 0 gap(s); linked to the head (seq 5); 1 checkpoint(s) verified',
    );
    await expect(runVerifier({ ...firstDays, links: firstDays.links.slice(0, 2) })).rejects.toThrow(
      'broken at seq 5: missing from the export',
    );

    // The same in the database: the last two records deleted and the head moved back.
    const dataSource = app.app.get(DataSource);
    const third = (await records(TRUNCATED))[2];
    await dataSource.query(
      `DELETE FROM playout_record_topic WHERE record_id IN (SELECT id FROM playout_record WHERE commune_code = '${TRUNCATED}' AND seq > 3)`,
    );
    await dataSource.query(
      `DELETE FROM playout_record WHERE commune_code = '${TRUNCATED}' AND seq > 3`,
    );
    await dataSource.query(
      `UPDATE playout_chain SET last_seq = 3, last_hash = '${third.hash}' WHERE commune_code = '${TRUNCATED}'`,
    );
    expect(await verify(TRUNCATED)).toEqual({ ok: false, brokenAtSeq: 4, checkpoint: signed });
    await expect(
      runVerifier(await exportOf(TRUNCATED), [
        '--public-key',
        keyPath,
        '--checkpoint',
        file('checkpoint-truncated.json', JSON.stringify(signed)),
      ]),
    ).rejects.toThrow('broken at seq 4: the log ends before the checkpoint of seq 5');
  });

  it('detects a forged checkpoint, in the database and given to the script', async () => {
    await fillLog(FORGED, 3);
    const signed = (await signNow(FORGED, admin).expect(201)).body as CheckpointJson;
    const keyPath = file('key-forged.json', JSON.stringify(key));
    const exported = await exportOf(FORGED);

    // A checkpoint whose claim was changed keeps a signature that no longer fits.
    const claimChanged = { ...signed, signedAt: '2030-01-01T00:00:00.000Z' };
    await expect(
      runVerifier(exported, [
        '--public-key',
        keyPath,
        '--checkpoint',
        file('forged.json', JSON.stringify(claimChanged)),
      ]),
    ).rejects.toThrow(
      'broken at seq 3: the checkpoint signed at 2030-01-01T00:00:00.000Z has a bad signature',
    );
    await expect(
      runVerifier({ ...exported, checkpoints: [claimChanged] }, ['--public-key', keyPath]),
    ).rejects.toThrow('bad signature');

    // A line forged in the journal (its hash changed, the signature kept) counts as tampering.
    const journal = readFileSync(journalFile, 'utf8');
    const records3 = await records(FORGED);
    const forgedLine = { ...signed, hash: records3[1].hash };
    writeFileSync(journalFile, `${journal}${JSON.stringify(forgedLine)}\n`);
    expect(await verify(FORGED)).toEqual({ ok: false, brokenAtSeq: 3, checkpoint: forgedLine });
    writeFileSync(journalFile, journal);
    expect(await verify(FORGED)).toEqual({ ok: true, count: 3 });
    // So does one changed in place (same length): the journal is read again. (A new mtime tells
    // the change: let the clock of the file system move on first.)
    await new Promise((resolve) => setTimeout(resolve, 30));
    writeFileSync(journalFile, journal.replace(signed.hash, records3[1].hash));
    expect(await verify(FORGED)).toMatchObject({ ok: false, brokenAtSeq: 3 });
    writeFileSync(journalFile, journal);
    expect(await verify(FORGED)).toEqual({ ok: true, count: 3 });

    // A checkpoint row forged in the database counts as tampering.
    const dataSource = app.app.get(DataSource);
    await dataSource.query(
      `UPDATE playout_checkpoint SET signature = '${Buffer.alloc(64, 7).toString('base64')}' WHERE commune_code = '${FORGED}'`,
    );
    const verdict = await verify(FORGED);
    expect(verdict).toMatchObject({ ok: false, brokenAtSeq: 3 });
    expect(verdict.checkpoint).toMatchObject({ seq: 3, hash: signed.hash });
    expect(verdict.checkpoint?.signature).not.toBe(signed.signature);
  });

  it('signs every chain head that moved once a day, and only those', async () => {
    await fillLog(QUIET, 2, 10); // after the record signed in the first test
    const processor = app.app.get(ReportsMaintenanceProcessor);
    const job = { name: 'maintenance.checkpoints', data: {} } as Job;
    // QUIET moved; REWRITTEN's rows are gone but its journal line holds its head; TRUNCATED moved
    // (back) and is broken: it stays unsigned; FORGED did not move since its checkpoint.
    expect(await processor.process(job)).toEqual({ signed: 1, broken: [TRUNCATED] });
    expect(await processor.process(job)).toEqual({ signed: 0, broken: [TRUNCATED] });
    const quiet = (await checkpointsOf(QUIET, admin).expect(200)).body as CheckpointJson[];
    expect(quiet.map((checkpoint) => checkpoint.seq)).toEqual([1, 3]);
    expect(await verify(QUIET)).toEqual({ ok: true, count: 3 });
  });
});
