import { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { localDateOf } from '../src/common/local-time';
import { ScheduleChanges } from '../src/schedule/schedule-changes';
import { archivePath } from '../src/playout/sinks/sink-targets';
import type { RelaySegment } from '../src/playout/player/relay-segments';
import { describeWithIcecast, feedTone, startIcecast, waitForMount } from './support/icecast';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import { freePort } from './support/services';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';
import { decodeMono, dominantTone } from './support/tone';
import { runPython } from './support/python';

const VERIFIER = readFileSync(join(__dirname, '..', 'scripts', 'verify-as-run.py'), 'utf8');

const COMMUNE = '14797';
const PROVINCE = '38';
const PRIMARY_HZ = 440;
const BACKUP_HZ = 660;
const FALLBACK_HZ = 880;
const TONES = [PRIMARY_HZ, BACKUP_HZ, FALLBACK_HZ];

jest.setTimeout(180000);

interface RecordBody {
  scheduleItemId: string;
  outcome: string;
  title: string;
  topics: string[];
  startedAt: string;
  endedAt: string;
  playedMs: number;
  segments?: RelaySegment[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Segments that are programme (streams and the fallback), without the short gaps of a switch. */
function programme(segments: readonly RelaySegment[]): RelaySegment[] {
  return segments.filter((segment) => !segment.silence);
}

const lengthMs = (segment: RelaySegment) =>
  new Date(segment.endedAt).getTime() - new Date(segment.startedAt).getTime();

/**
 * Relays through the real player: Debian's icecast2 carries two live tone streams (the primary
 * at 440 Hz, the backup at 660 Hz) fed by ffmpeg; the source's fallback bulletin is an 880 Hz
 * rendition; the `file` sink archives what aired, where the tones are found again (Goertzel).
 */
describeWithIcecast('relays from a live Icecast stream, with failover (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let port: number;
  let icecast: ChildProcess;
  const feeders = new Set<ChildProcess>();

  const feed = (mount: string, frequency: number): ChildProcess => {
    const feeder = feedTone(port, mount, frequency);
    feeders.add(feeder);
    return feeder;
  };
  const stop = (feeder: ChildProcess) => {
    feeder.kill('SIGKILL');
    feeders.delete(feeder);
  };
  const url = (mount: string) => `http://127.0.0.1:${port}${mount}`;

  beforeAll(async () => {
    storage = await createTestStorage();
    port = await freePort();
    icecast = await startIcecast(storage.dir, port);
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'file',
      PLAYOUT_PREROLL_MS: '3000',
      PLAYOUT_RECONCILE_SECONDS: '1',
      SOURCES_ALLOWED_HOSTS: '127.0.0.1',
      SOURCES_CHECK_TIMEOUT_MS: '15000',
    });
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    for (const feeder of feeders) feeder.kill('SIGKILL');
    await app?.close();
    icecast?.kill('SIGKILL');
    await storage?.dispose();
  });

  async function createSource(urls: string[], fallbackBulletinId?: string): Promise<string> {
    const response = await app
      .http()
      .post(`/api/v1/provinces/${PROVINCE}/sources`)
      .set(bearer(admin))
      .send({ name: 'VOV1', urls, ...(fallbackBulletinId ? { fallbackBulletinId } : {}) })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  /** A relay item starting `inMs` from now, handed to the dispatcher. */
  async function relay(sourceId: string, inMs: number, durationMs: number) {
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: null,
      sourceId,
      topics: ['kinh-te-so'],
      startsAt: new Date(Date.now() + inMs),
      durationMs,
    });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: COMMUNE, kind: 'created', itemIds: [item.id] });
    return item;
  }

  async function recordOf(itemId: string, timeoutMs: number): Promise<RecordBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/playout-log`)
          .set(bearer(admin))
          .expect(200)
      ).body as RecordBody[];
      const found = records.find((record) => record.scheduleItemId === itemId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no record of ${itemId}`);
      await sleep(500);
    }
  }

  const archiveOf = (item: { startsAt: Date; id: string }) =>
    archivePath(join(storage.env.MEDIA_DIR!, 'archive'), COMMUNE, item.startsAt, item.id);

  /** Each programme segment's middle second in the archive holds its own tone. */
  function expectArchiveMatches(
    path: string,
    record: RecordBody,
    tones: Map<string, number | null>,
  ) {
    expect(existsSync(path)).toBe(true);
    const samples = decodeMono(path);
    const start = new Date(record.startedAt).getTime();
    for (const segment of record.segments ?? []) {
      if (lengthMs(segment) < 3000) continue;
      const middle =
        (new Date(segment.startedAt).getTime() + new Date(segment.endedAt).getTime()) / 2 - start;
      const heard = dominantTone(samples, middle - 500, middle + 500, TONES);
      const expected = segment.silence ? null : tones.get(segment.url ?? segment.bulletinId ?? '');
      expect({ segment, heard }).toEqual({ segment, heard: expected });
    }
  }

  it('plays the primary, fails over to the backup and the fallback bulletin, and goes back to the primary', async () => {
    const fallbackAudio = await insertReadyAudio(app, {
      communeCode: COMMUNE,
      provinceCode: PROVINCE,
      durationMs: 40000,
      frequency: FALLBACK_HZ,
    });
    const fallback = await insertBulletin(app, {
      communeCode: null,
      provinceCode: PROVINCE,
      title: 'Xin lỗi vì gián đoạn tiếp âm',
      topics: ['xa-hoi-so'],
      audioId: fallbackAudio.id,
    });
    let primary = feed('/vov1.mp3', PRIMARY_HZ);
    const backup = feed('/vov1-backup.mp3', BACKUP_HZ);
    await waitForMount(port, '/vov1.mp3');
    await waitForMount(port, '/vov1-backup.mp3');
    const sourceId = await createSource([url('/vov1.mp3'), url('/vov1-backup.mp3')], fallback.id);

    const durationMs = 65000;
    const item = await relay(sourceId, 4000, durationMs);
    const startsAt = item.startsAt.getTime();
    const untilRelay = (ms: number) => sleep(Math.max(0, startsAt + ms - Date.now()));

    await untilRelay(10000);
    stop(primary); // the primary dies mid-relay
    const primaryKilledAt = Date.now();
    await untilRelay(22000);
    stop(backup); // and then the backup
    const backupKilledAt = Date.now();
    await untilRelay(28000);
    primary = feed('/vov1.mp3', PRIMARY_HZ); // the primary comes back

    const record = await recordOf(item.id, durationMs + 20000);
    const segments = record.segments ?? [];
    const shown = programme(segments).map((segment) => ({
      what: segment.url ?? segment.bulletinId,
      reason: segment.reason,
    }));
    expect(shown).toEqual([
      { what: url('/vov1.mp3'), reason: 'start' },
      { what: url('/vov1-backup.mp3'), reason: 'failed' },
      { what: fallback.id, reason: 'failed' },
      { what: url('/vov1.mp3'), reason: 'primary-back' },
    ]);
    const [, onBackup, onFallback, back] = programme(segments);
    expect(new Date(onBackup.startedAt).getTime() - primaryKilledAt).toBeLessThan(10000);
    expect(new Date(onFallback.startedAt).getTime() - backupKilledAt).toBeLessThan(10000);
    // Back at most once per 30 s after the last switch, and within the relay.
    const lastSwitch = new Date(onFallback.startedAt).getTime();
    expect(new Date(back.startedAt).getTime() - lastSwitch).toBeGreaterThanOrEqual(29000);
    expect(lengthMs(back)).toBeGreaterThan(3000);

    // The segments tile the relay exactly; playedMs counts programme, not silence.
    expect(segments[0].startedAt).toBe(record.startedAt);
    expect(segments.at(-1)!.endedAt).toBe(record.endedAt);
    for (let index = 1; index < segments.length; index += 1) {
      expect(segments[index].startedAt).toBe(segments[index - 1].endedAt);
    }
    const programmeMs = programme(segments).reduce((sum, segment) => sum + lengthMs(segment), 0);
    expect(Math.abs(record.playedMs - programmeMs)).toBeLessThan(100);
    expect(new Date(record.endedAt).getTime() - new Date(record.startedAt).getTime()).toBe(
      durationMs,
    );
    expect(record.playedMs).toBeLessThan(durationMs);
    expect(record).toMatchObject({ title: 'Tiếp âm: VOV1', topics: ['kinh-te-so'] });

    expectArchiveMatches(
      archiveOf(item),
      record,
      new Map([
        [url('/vov1.mp3'), PRIMARY_HZ],
        [url('/vov1-backup.mp3'), BACKUP_HZ],
        [fallback.id, FALLBACK_HZ],
      ]),
    );
    await app
      .http()
      .get(`/api/v1/communes/${COMMUNE}/playout-log/verify`)
      .set(bearer(admin))
      .expect(200)
      .expect((response) => expect(response.body).toMatchObject({ ok: true }));
    // The segments are in the chain: the independent verifier recomputes it, and a changed
    // segment breaks it.
    const log = (
      await app.http().get(`/api/v1/communes/${COMMUNE}/playout-log`).set(bearer(admin)).expect(200)
    ).body as RecordBody[];
    expect(await runPython(VERIFIER, JSON.stringify(log))).toMatch(/^ok/);
    const forged = log.map((one) =>
      one.scheduleItemId === item.id
        ? {
            ...one,
            segments: one.segments!.map((segment) => ({ ...segment, url: url('/other.mp3') })),
          }
        : one,
    );
    await expect(runPython(VERIFIER, JSON.stringify(forged))).rejects.toThrow(/broken at seq/);
    // So does the CSV export (segments in its last column).
    const day = (ms: number) => localDateOf(new Date(ms));
    const csv = await app
      .http()
      .get(
        `/api/v1/reports/communes/${COMMUNE}/as-run?from=${day(startsAt - 86400000)}&to=${day(Date.now())}&format=csv`,
      )
      .set(bearer(admin))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const csvText = (csv.body as Buffer).toString('utf8');
    expect(csvText).toContain('Tiếp âm: VOV1');
    expect(await runPython(VERIFIER, csvText)).toMatch(/^ok/);
    stop(primary);
  });

  it('leaves a primary that carries dead air for the backup, and raises a dead-air alert', async () => {
    feed('/silent.mp3', 0);
    feed('/live.mp3', BACKUP_HZ);
    await waitForMount(port, '/silent.mp3');
    await waitForMount(port, '/live.mp3');
    const sourceId = await createSource([url('/silent.mp3'), url('/live.mp3')]);
    const item = await relay(sourceId, 4000, 20000);
    const record = await recordOf(item.id, 40000);
    const shown = programme(record.segments ?? []).map((segment) => ({
      what: segment.url,
      reason: segment.reason,
    }));
    expect(shown).toEqual([
      { what: url('/silent.mp3'), reason: 'start' },
      { what: url('/live.mp3'), reason: 'dead-air' },
    ]);
    const [silent, live] = programme(record.segments ?? []);
    // PLAYOUT_DEAD_AIR_SECONDS (8 s) of dead air, then the switch.
    expect(lengthMs(silent)).toBeGreaterThanOrEqual(7500);
    expect(lengthMs(silent)).toBeLessThan(11000);
    expect(lengthMs(live)).toBeGreaterThan(7000);
    expectArchiveMatches(
      archiveOf(item),
      record,
      new Map([
        [url('/silent.mp3'), null],
        [url('/live.mp3'), BACKUP_HZ],
      ]),
    );
    const alerts = (
      await app.http().get(`/api/v1/communes/${COMMUNE}/alerts`).set(bearer(admin)).expect(200)
    ).body as { kind: string; message: string }[];
    expect(alerts).toEqual([expect.objectContaining({ kind: 'dead-air' })]);
    expect(alerts[0].message).toContain('Tiếp âm: VOV1');
  });

  it('checks a source: reachable, codec, format and the loudness of 10 s; a dead or mute URL says so', async () => {
    const mute = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const mutePort = (mute.address() as AddressInfo).port;
    try {
      feed('/check.mp3', PRIMARY_HZ);
      await waitForMount(port, '/check.mp3');
      const sourceId = await createSource([
        url('/check.mp3'),
        url('/gone.mp3'),
        `http://127.0.0.1:${mutePort}/stream`,
      ]);
      const startedAt = Date.now();
      const checked = await app
        .http()
        .post(`/api/v1/provinces/${PROVINCE}/sources/${sourceId}/check`)
        .set(bearer(admin))
        .expect(200);
      expect(Date.now() - startedAt).toBeLessThan(17000);
      const [live, gone, hanging] = (
        checked.body as {
          urls: {
            reachable: boolean;
            codec: string;
            sampleRate: number;
            channels: number;
            loudnessLufs: number;
            error: string | null;
          }[];
        }
      ).urls;
      expect(live).toMatchObject({ reachable: true, codec: 'mp3', sampleRate: 44100, channels: 1 });
      // A 440 Hz sine at ffmpeg's default amplitude (1/8): about -21 LUFS.
      expect(live.loudnessLufs).toBeGreaterThan(-30);
      expect(live.loudnessLufs).toBeLessThan(-10);
      expect(gone).toMatchObject({ reachable: false });
      expect(gone.error).toMatch(/404|Not Found/i);
      expect(hanging).toMatchObject({ reachable: false });
      expect(hanging.error).toBeTruthy();
    } finally {
      mute.close();
    }
  });

  it('raises a dead-air alert for a bulletin that decodes to silence', async () => {
    const silent = await insertReadyAudio(app, {
      communeCode: COMMUNE,
      provinceCode: PROVINCE,
      durationMs: 12000,
      frequency: 0,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: PROVINCE,
      title: 'Bản tin bị hỏng tiếng',
      topics: ['xa-hoi-so'],
      audioId: silent.id,
    });
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: bulletin.id,
      startsAt: new Date(Date.now() + 4000),
      durationMs: 12000,
    });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: COMMUNE, kind: 'created', itemIds: [item.id] });
    await recordOf(item.id, 30000);
    const alerts = (
      await app.http().get(`/api/v1/communes/${COMMUNE}/alerts`).set(bearer(admin)).expect(200)
    ).body as { kind: string; message: string }[];
    expect(alerts).toEqual([expect.objectContaining({ kind: 'dead-air' })]);
    expect(alerts[0].message).toContain('Bản tin bị hỏng tiếng');
    // When, in local day and time as people read it, not an ISO instant.
    expect(alerts[0].message).toMatch(/\(lúc \d{2}\/\d{2} \d{2}:\d{2}\)$/);
  });
});
