import { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Receipt, receiptProblem } from '../src/fleet/protocol';
import type { RelaySegment } from '../src/playout/player/relay-segments';
import { archivePath } from '../src/playout/sinks/sink-targets';
import { registerDevice } from './support/fleet-device';
import { eventually } from './support/eventually';
import { describeWithIcecast, feedTone, startIcecast, waitForMount } from './support/icecast';
import { insertBulletin, insertReadyAudio } from './support/playout-fixtures';
import {
  clearOfMidnight,
  createActors,
  createWindowsAroundNow,
  HAC_THANH,
} from './support/schedule-fixtures';
import { freePort } from './support/services';
import {
  devicesOnline,
  logIn,
  onFreePorts,
  scheduleOnService,
  ServiceProcess,
  startEdgeProcess,
  startListeningService,
  SYNC_LEAD_MS,
} from './support/service-process';
import { ADMIN, bearer, createTestStorage, startTestApp, TestStorage } from './support/test-app';
import { decodeMono, dominantTone } from './support/tone';

jest.setTimeout(360000);

const PROVINCE = '38';
const PRIMARY_HZ = 440;
const BACKUP_HZ = 660;
const FALLBACK_HZ = 880;
const TONES = [PRIMARY_HZ, BACKUP_HZ, FALLBACK_HZ];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const lengthMs = (segment: RelaySegment) =>
  Date.parse(segment.endedAt) - Date.parse(segment.startedAt);

interface RecordRow {
  seq: number;
  scheduleItemId: string;
  outcome: string;
  source: string;
  startedAt: string;
  endedAt: string;
  playedMs: number;
  segments?: RelaySegment[];
  devices: Record<string, number>;
}

/**
 * A relay on a speaker cluster: the real service (a separate process) and a real edge player
 * (`node dist/edge/main.js`, file sink); Debian's icecast2 carries two live tone streams fed by
 * ffmpeg (primary 440 Hz, backup 660 Hz); the source's fallback bulletin is an 880 Hz rendition
 * the cluster caches by sha256. Mid-relay the primary is killed, then the backup: the file the
 * cluster's sink wrote holds each tone where its receipt's segments say; the receipt verifies
 * with the cluster's key, a forged segment is refused, and the commune's record counts the
 * programme the cluster played.
 */
describeWithIcecast('relays on an edge player, with failover (e2e, real processes)', () => {
  let storage: TestStorage;
  let service: ServiceProcess | null = null;
  let edge: ServiceProcess | null = null;
  let icecast: ChildProcess | null = null;
  const feeders = new Set<ChildProcess>();
  let origin: string;
  let icecastPort: number;

  beforeAll(async () => {
    storage = await createTestStorage();
    icecastPort = await freePort();
    icecast = await startIcecast(storage.dir, icecastPort);
  });

  afterAll(async () => {
    for (const feeder of feeders) feeder.kill('SIGKILL');
    await edge?.stop('SIGKILL');
    await service?.stop();
    icecast?.kill('SIGKILL');
    await storage.dispose();
  });

  const url = (mount: string) => `http://127.0.0.1:${icecastPort}${mount}`;
  const feed = (mount: string, frequency: number) => {
    const feeder = feedTone(icecastPort, mount, frequency);
    feeders.add(feeder);
    return feeder;
  };
  const stop = (feeder: ChildProcess) => {
    feeder.kill('SIGKILL');
    feeders.delete(feeder);
  };

  async function call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { ...bearer(token), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  it('plays the relay, fails over to the backup and the cached fallback, and receipts its segments', async () => {
    const primary = feed('/vov1.mp3', PRIMARY_HZ);
    const backup = feed('/vov1-backup.mp3', BACKUP_HZ);
    await waitForMount(icecastPort, '/vov1.mp3');
    await waitForMount(icecastPort, '/vov1-backup.mp3');

    // The province's source and the commune's relay, set up through the app on the same storage.
    const app = await startTestApp(storage, { SOURCES_ALLOWED_HOSTS: '127.0.0.1' });
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const who = await createActors(app, admin);
    const device = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1', ['thon-1']);
    const fallbackAudio = await insertReadyAudio(app, {
      communeCode: HAC_THANH,
      provinceCode: PROVINCE,
      durationMs: 30000,
      frequency: FALLBACK_HZ,
    });
    const fallback = await insertBulletin(app, {
      communeCode: null,
      provinceCode: PROVINCE,
      title: 'Xin lỗi vì gián đoạn tiếp âm',
      topics: ['xa-hoi-so'],
      audioId: fallbackAudio.id,
    });
    const source = await app
      .http()
      .post(`/api/v1/provinces/${PROVINCE}/sources`)
      .set(bearer(admin))
      .send({
        name: 'VOV1',
        urls: [url('/vov1.mp3'), url('/vov1-backup.mp3')],
        fallbackBulletinId: fallback.id,
      })
      .expect(201);
    await createWindowsAroundNow(app, who.operator, HAC_THANH);
    await app.close();

    const ports = await onFreePorts({ ...storage.env, SOURCES_ALLOWED_HOSTS: '127.0.0.1' });
    origin = ports.origin;
    service = await startListeningService(ports.env, 90000);
    const dir = join(storage.dir, 'thon-1');
    edge = startEdgeProcess({
      serverUrl: origin,
      enrolmentCode: device.enrolmentCode,
      dir,
      env: { EDGE_STATUS_SECONDS: '5' },
    });
    // The cluster is online before the relay is scheduled; the service pushes it, and the
    // relay and its fallback bulletin's audio reach the cluster's cache.
    const token = await logIn(origin);
    await devicesOnline(origin, token, HAC_THANH, [device.id], 60000);
    const durationMs = 40000;
    const item = await scheduleOnService(origin, token, HAC_THANH, {
      sourceId: (source.body as { id: string }).id,
      durationSeconds: durationMs / 1000,
      topics: ['kinh-te-so'],
      startsAt: clearOfMidnight(Date.now() + SYNC_LEAD_MS, durationMs),
    });
    await edge.waitFor(/Synced: 1 items, cached until 20/, item.startsAt.getTime() - Date.now());
    const identity = JSON.parse(readFileSync(join(dir, 'data', 'identity.json'), 'utf8')) as {
      deviceId: string;
      publicKey: string;
      apiToken: string;
    };
    expect(existsSync(join(dir, 'data', 'audio'))).toBe(true);

    const startsAt = item.startsAt.getTime();
    expect(Date.now()).toBeLessThan(startsAt - 2000);
    await sleep(startsAt + 12000 - Date.now());
    stop(primary); // the primary dies mid-relay
    const primaryKilledAt = Date.now();
    await sleep(startsAt + 24000 - Date.now());
    stop(backup); // and then the backup: the cached fallback bulletin stands in
    const backupKilledAt = Date.now();

    // The receipt reaches the service, which writes the commune's record from it.
    const admin2 = (
      (await call('', 'POST', '/api/v1/auth/login', ADMIN)).body as { accessToken: string }
    ).accessToken;
    const record = await eventually(
      async () => {
        const { body } = await call(admin2, 'GET', `/api/v1/communes/${HAC_THANH}/playout-log`);
        return (body as RecordRow[]).find((row) => row.scheduleItemId === item.id);
      },
      { timeoutMs: durationMs + 40000, what: "the commune's record of the relay" },
    );
    expect(record).toMatchObject({
      outcome: 'aired',
      source: 'devices',
      devices: { targeted: 1, aired: 1, partial: 0, missed: 0, unreported: 0 },
    });

    const receipts = await eventually(
      async () => {
        const { body } = await call(
          admin2,
          'GET',
          `/api/v1/communes/${HAC_THANH}/playout-log/${record.seq}/receipts`,
        );
        return (body as Receipt[]).length > 0 ? (body as Receipt[]) : undefined;
      },
      {
        timeoutMs: 10000,
        what: `the receipts behind record ${record.seq}: ${JSON.stringify(record)}`,
      },
    );
    expect(receipts).toHaveLength(1);
    const [receipt] = receipts;
    expect(receiptProblem(receipt, identity.publicKey)).toBeNull();
    const segments = receipt.segments ?? [];
    const programme = segments.filter((segment) => !segment.silence);
    expect(programme.map((segment) => segment.url ?? segment.bulletinId)).toEqual([
      url('/vov1.mp3'),
      url('/vov1-backup.mp3'),
      fallback.id,
    ]);
    const [onPrimary, onBackup, onFallback] = programme;
    // Icecast's burst on connect (64 KB: 8 s of this 64 kb/s stream) puts the listener that far
    // behind live, so a killed stream is heard to its last buffered second, then left at once:
    // the output's gap is the switch, the delay after the kill the burst plus the switch.
    expect(Date.parse(onBackup.startedAt) - Date.parse(onPrimary.endedAt)).toBeLessThan(4000);
    expect(Date.parse(onFallback.startedAt) - Date.parse(onBackup.endedAt)).toBeLessThan(4000);
    expect(Date.parse(onBackup.startedAt) - primaryKilledAt).toBeLessThan(15000);
    expect(Date.parse(onFallback.startedAt) - backupKilledAt).toBeLessThan(15000);
    expect(receipt.reason).toMatch(/bản tin dự phòng/);
    // The segments tile the relay; playedMs (the receipt's and the record's) counts programme.
    expect(segments[0].startedAt).toBe(receipt.startedAt);
    expect(segments.at(-1)!.endedAt).toBe(receipt.endedAt);
    for (let index = 1; index < segments.length; index += 1) {
      expect(segments[index].startedAt).toBe(segments[index - 1].endedAt);
    }
    const programmeMs = programme.reduce((sum, segment) => sum + lengthMs(segment), 0);
    expect(Math.abs(receipt.playedMs - programmeMs)).toBeLessThan(100);
    expect(receipt.playedMs).toBeLessThan(durationMs);
    expect(receipt.playedMs).toBeGreaterThan(durationMs - 8000);
    expect(record.playedMs).toBe(receipt.playedMs);
    expect(record.segments).toEqual(segments);

    // The file the cluster's sink wrote holds each tone where the segments say.
    const archived = archivePath(join(dir, 'archive'), HAC_THANH, item.startsAt, item.id);
    const samples = decodeMono(archived);
    const start = Date.parse(receipt.startedAt!);
    const tones = new Map<string, number>([
      [url('/vov1.mp3'), PRIMARY_HZ],
      [url('/vov1-backup.mp3'), BACKUP_HZ],
      [fallback.id, FALLBACK_HZ],
    ]);
    for (const segment of programme) {
      expect(lengthMs(segment)).toBeGreaterThan(3000);
      const middle = (Date.parse(segment.startedAt) + Date.parse(segment.endedAt)) / 2 - start;
      const heard = dominantTone(samples, middle - 500, middle + 500, TONES);
      expect({ segment, heard }).toEqual({
        segment,
        heard: tones.get(segment.url ?? segment.bulletinId ?? ''),
      });
    }

    // A forged segment (the fallback's time credited to the backup) fails the signature.
    const forged = {
      ...receipt,
      segments: segments.map((segment) =>
        segment.bulletinId
          ? { ...segment, bulletinId: undefined, url: url('/vov1-backup.mp3') }
          : segment,
      ),
    };
    delete (forged as Partial<Receipt> & { receivedAt?: unknown }).receivedAt;
    delete (forged as Partial<Receipt> & { recordSeq?: unknown }).recordSeq;
    const refused = await call(
      identity.apiToken,
      'POST',
      `/api/v1/devices/${identity.deviceId}/receipts`,
      { receipts: [JSON.parse(JSON.stringify(forged))] },
    );
    expect(refused).toMatchObject({
      status: 422,
      body: { code: 'RECEIPT_REFUSED', problem: 'bad-signature', seq: receipt.seq },
    });
    // The genuine one is a duplicate: accepted again, counted once.
    const {
      receivedAt: _r,
      recordSeq: _s,
      ...genuine
    } = receipt as Receipt & {
      receivedAt?: string;
      recordSeq?: number;
    };
    const again = await call(
      identity.apiToken,
      'POST',
      `/api/v1/devices/${identity.deviceId}/receipts`,
      { receipts: [genuine] },
    );
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 1 } });
  });
});
