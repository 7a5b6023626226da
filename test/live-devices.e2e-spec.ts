import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Receipt, receiptProblem } from '../src/fleet/protocol';
import { eventually } from './support/eventually';
import { registerDevice } from './support/fleet-device';
import { recordedTone, Speaker } from './support/live-speaker';
import { insertBulletin, insertReadyAudio } from './support/playout-fixtures';
import {
  clearOfMidnight,
  createActors,
  createWindowsAroundNow,
  HAC_THANH,
} from './support/schedule-fixtures';
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
import { ADMIN, bearer, createTestStorage, TestStorage, startTestApp } from './support/test-app';
import { decodeMono, dominantTone } from './support/tone';

jest.setTimeout(300_000);

const PROVINCE = '38';
const BULLETIN_HZ = 440;
const SPEECH_HZ = 880;
const TONES = [BULLETIN_HZ, SPEECH_HZ];
/** The recording is this long; the speaker stops once cluster 2 has joined for a while. */
const RECORDING_SECONDS = 90;
/**
 * The bulletin: still playing on cluster 1 when the session opens 5 s into it; cluster 2 plays
 * it whole after the session, so its length adds to the test's.
 */
const BULLETIN_MS = 30000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface RecordRow {
  seq: number;
  scheduleItemId: string | null;
  title: string;
  outcome: string;
  source: string;
  reason: string | null;
  playedMs: number;
  createdBy?: string | null;
  devices: Record<string, number> | null;
}

interface Identity {
  deviceId: string;
  publicKey: string;
  apiToken: string;
}

/** The files a cluster's `file` sink wrote, under its archive folder. */
function archived(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.mp3'))
    .map((name) => join(dir, name));
}

/** Where `frequency` first sounds in the samples (ms), scanning 50 ms blocks. */
function onsetMs(samples: Float32Array, frequency: number): number | null {
  for (let at = 0; at + 200 <= (samples.length / 8000) * 1000; at += 50) {
    if (dominantTone(samples, at, at + 200, TONES) === frequency) return at;
  }
  return null;
}

/**
 * A live announcement on a commune's speaker clusters: the real service (its embedded broker)
 * and two real edge players (`file` sink, own data folders), in zones thon-1 and thon-2. A normal
 * bulletin (440 Hz) plays on both; the operator speaks from a WebSocket client that sends a real
 * recording (ffmpeg's 880 Hz sine) at real-time pace. Cluster 1 interrupts the bulletin and plays
 * the speech within 3 s of the first frame; cluster 2 was stopped before the session and joins
 * when it comes back. Their signed receipts make the commune's `live` record.
 */
describe('live announcements to speaker clusters (e2e, real processes)', () => {
  let storage: TestStorage;
  let service: ServiceProcess | null = null;
  const edges = new Map<string, ServiceProcess>();
  let origin: string;

  beforeAll(async () => {
    storage = await createTestStorage();
  });

  afterAll(async () => {
    for (const edge of edges.values()) await edge.stop('SIGKILL');
    await service?.stop();
    await storage.dispose();
  });

  async function call(token: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { ...bearer(token), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  function startEdge(zone: string, enrolmentCode: string): ServiceProcess {
    const edge = startEdgeProcess({
      serverUrl: origin,
      enrolmentCode,
      dir: join(storage.dir, zone),
      env: { EDGE_STATUS_SECONDS: '5' },
    });
    edges.set(zone, edge);
    return edge;
  }

  const identityOf = (zone: string): Identity =>
    JSON.parse(readFileSync(join(storage.dir, zone, 'data', 'identity.json'), 'utf8')) as Identity;

  it('interrupts the bulletin on the clusters, airs the speech within 3 s, joins a cluster back online, and logs it from the receipts', async () => {
    const speech = recordedTone(SPEECH_HZ, RECORDING_SECONDS);

    const app = await startTestApp(storage);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const who = await createActors(app, admin);
    const first = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1', ['thon-1']);
    const second = await registerDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 2', ['thon-2']);
    const audio = await insertReadyAudio(app, {
      communeCode: HAC_THANH,
      provinceCode: PROVINCE,
      durationMs: BULLETIN_MS,
      frequency: BULLETIN_HZ,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: PROVINCE,
      title: 'Hướng dẫn tiêm chủng',
      topics: ['xa-hoi-so'],
      audioId: audio.id,
    });
    await createWindowsAroundNow(app, who.operator, HAC_THANH);
    await app.close();

    const ports = await onFreePorts(storage.env);
    origin = ports.origin;
    service = await startListeningService(ports.env, 90000);
    const one = startEdge('thon-1', first.enrolmentCode);
    const two = startEdge('thon-2', second.enrolmentCode);
    // Both clusters are online before the bulletin is scheduled; the service pushes it, and
    // they cache it before its start. Cluster 2, back during the session, starts it late and is
    // preempted before its start: it waits for the live play instead of taking the output back
    // again and again.
    const scheduler = await logIn(origin);
    await devicesOnline(origin, scheduler, HAC_THANH, [first.id, second.id], 60000);
    const item = await scheduleOnService(origin, scheduler, HAC_THANH, {
      bulletinId: bulletin.id,
      startsAt: clearOfMidnight(Date.now() + SYNC_LEAD_MS, BULLETIN_MS),
    });
    await one.waitFor(/Synced: 1 items, cached until 20/, item.startsAt.getTime() - Date.now());
    await two.waitFor(/Synced: 1 items, cached until 20/, item.startsAt.getTime() - Date.now());
    // Cluster 2 goes offline (a clean stop says so at once) before the session begins.
    await two.stop('SIGTERM');
    edges.delete('thon-2');

    const operator = (
      (await call('', 'POST', '/api/v1/auth/login', {
        username: 'van-hanh-hac-thanh',
        password: 'van-hanh-hac-thanh-password',
      })) as { body: { accessToken: string } }
    ).body.accessToken;
    const status = await call(operator, 'GET', `/api/v1/communes/${HAC_THANH}/live`);
    expect(status).toMatchObject({
      status: 200,
      body: { available: true, zones: ['thon-1', 'thon-2'], onAir: null },
    });

    expect(Date.now()).toBeLessThan(item.startsAt.getTime());
    await sleep(item.startsAt.getTime() + 5000 - Date.now());
    const opened = await call(operator, 'POST', `/api/v1/communes/${HAC_THANH}/live`, {});
    expect(opened.status).toBe(201);
    const speaker = await Speaker.connect(origin, (opened.body as { ticket: string }).ticket);
    const speaking = speaker.speakRecording(speech);
    const onAir = await speaker.waitFor('on-air');
    // The session's stream is for the commune's clusters, each on its own id, with its own token.
    const stream = (deviceId: string, token: string | null) =>
      fetch(`${origin}/api/v1/devices/${deviceId}/live/${(opened.body as { id: string }).id}`, {
        headers: token ? bearer(token) : {},
      });
    const refusals = [
      [await stream(identityOf('thon-1').deviceId, null), 401, 'UNAUTHENTICATED'],
      [await stream(identityOf('thon-1').deviceId, operator), 401, 'UNAUTHENTICATED'],
      [
        await stream(identityOf('thon-2').deviceId, identityOf('thon-1').apiToken),
        403,
        'FORBIDDEN',
      ],
    ] as const;
    for (const [answer, status, code] of refusals) {
      expect({ status: answer.status, body: await answer.json() }).toMatchObject({
        status,
        body: { code },
      });
    }
    // Cluster 2 comes back 6 s into the session (past the 5 s a joiner may be late and still
    // count as aired): it is told then, and joins; the speaker goes on 8 s more.
    await sleep(6000);
    const back = startEdge('thon-2', second.enrolmentCode);
    await back.waitFor(/Connected to the broker/, 60000);
    await sleep(8000);
    speaker.quiet();
    const firstFrameAt = await speaking;
    const spokenMs = Date.now() - firstFrameAt;
    speaker.ws.send(JSON.stringify({ type: 'stop' }));
    const ended = await speaker.waitFor('ended', 30000);
    expect(ended).toMatchObject({ outcome: 'aired', recordSeq: null });
    expect(ended.audioId).toEqual(expect.any(String));
    const liveItemId = ended.scheduleItemId as string;
    expect(liveItemId).toEqual(expect.any(String));
    expect(Date.parse(onAir.startedAt as string) - firstFrameAt).toBeLessThan(3000);
    // The audit trail names who spoke, written with the live item.
    const adminToken = (
      (await call('', 'POST', '/api/v1/auth/login', ADMIN)) as { body: { accessToken: string } }
    ).body.accessToken;
    const aired = (await call(adminToken, 'GET', '/api/v1/audit?action=live.aired')).body;
    expect(aired).toEqual([
      expect.objectContaining({
        actorUsername: 'van-hanh-hac-thanh',
        targetType: 'schedule_item',
        targetId: liveItemId,
        communeCode: HAC_THANH,
      }),
    ]);

    // The commune's record of the live item, from both clusters' receipts.
    const log = async () =>
      (await call(operator, 'GET', `/api/v1/communes/${HAC_THANH}/playout-log`))
        .body as RecordRow[];
    const record = await eventually(
      async () => (await log()).find((row) => row.scheduleItemId === liveItemId),
      { timeoutMs: 60000, what: "the commune's record of the live item" },
    );
    const receipts = (
      await call(
        operator,
        'GET',
        `/api/v1/communes/${HAC_THANH}/playout-log/${record.seq}/receipts`,
      )
    ).body as Receipt[];
    // What each cluster said (on a failure, the reason a cluster did not play), shown beside
    // the record on a failure.
    const said = receipts.map((receipt) => receipt.reason ?? receipt.outcome);
    expect({ record, said }).toMatchObject({
      said: expect.arrayContaining([
        'aired',
        expect.stringMatching(/vào phiên phát trực tiếp muộn/),
      ]) as unknown,
    });
    expect(said).toHaveLength(2);
    expect({ record, receipts }).toMatchObject({
      record: {
        source: 'live',
        outcome: 'aired',
        title: 'Phát trực tiếp: van-hanh-hac-thanh',
        devices: { targeted: 2, aired: 1, partial: 1, missed: 0, unreported: 0 },
      },
    });
    expect(Math.abs(record.playedMs - spokenMs)).toBeLessThan(2000);

    const byDevice = new Map(receipts.map((receipt) => [receipt.deviceId, receipt]));
    const [idOne, idTwo] = [identityOf('thon-1'), identityOf('thon-2')];
    const onOne = byDevice.get(idOne.deviceId)!;
    const onTwo = byDevice.get(idTwo.deviceId)!;
    expect(receiptProblem(onOne, idOne.publicKey)).toBeNull();
    expect(receiptProblem(onTwo, idTwo.publicKey)).toBeNull();
    expect(onOne).toMatchObject({ outcome: 'aired', reason: null });
    expect(onTwo.outcome).toBe('partial');
    expect(onTwo.reason).toMatch(/vào phiên phát trực tiếp muộn/);
    expect(onTwo.playedMs).toBeGreaterThan(2000);
    expect(onTwo.playedMs).toBeLessThan(onOne.playedMs);

    // Cluster 1's archive: the speech starts within 3 s of the first frame sent.
    const liveFile = archived(join(storage.dir, 'thon-1', 'archive')).find((path) =>
      path.includes(liveItemId),
    );
    expect(liveFile).toBeDefined();
    const samples = decodeMono(liveFile!);
    const onset = onsetMs(samples, SPEECH_HZ);
    expect(onset).not.toBeNull();
    const heardAt = Date.parse(onOne.startedAt!) + onset!;
    expect(heardAt - firstFrameAt).toBeLessThan(3000);
    expect(heardAt - firstFrameAt).toBeGreaterThan(0);
    const middle = (samples.length / 8000) * 500;
    expect(dominantTone(samples, middle - 500, middle + 500, TONES)).toBe(SPEECH_HZ);

    // The bulletin in progress was interrupted: partial on cluster 1, as for an emergency.
    const bulletinRecord = await eventually(
      async () => (await log()).find((row) => row.scheduleItemId === item.id),
      // Cluster 2 plays it after the live speech (late, within the tolerance), whole.
      { timeoutMs: 100000, what: "the bulletin's record" },
    );
    expect(bulletinRecord.source).toBe('devices');
    const bulletinReceipts = (
      await call(
        operator,
        'GET',
        `/api/v1/communes/${HAC_THANH}/playout-log/${bulletinRecord.seq}/receipts`,
      )
    ).body as Receipt[];
    const bulletinOnOne = bulletinReceipts.find((receipt) => receipt.deviceId === idOne.deviceId)!;
    expect(bulletinOnOne.outcome).toBe('partial');
    expect(bulletinOnOne.reason).toMatch(/Ngắt để phát trực tiếp/);
    const bulletinFile = archived(join(storage.dir, 'thon-1', 'archive')).find((path) =>
      path.includes(item.id),
    );
    expect(dominantTone(decodeMono(bulletinFile!), 1000, 2000, TONES)).toBe(BULLETIN_HZ);

    // The stream is gone with the session: 404 to the device.
    const sessionId = (opened.body as { id: string }).id;
    const gone = await fetch(`${origin}/api/v1/devices/${idOne.deviceId}/live/${sessionId}`, {
      headers: bearer(idOne.apiToken),
    });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'LIVE_SESSION_NOT_FOUND' });
  });
});
