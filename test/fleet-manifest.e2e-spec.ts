import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../src/common/manual-clock';
import { Db } from '../src/database/db.service';
import { Manifest, manifestPath, parseManifest } from '../src/fleet/protocol';
import { SYNC_COALESCE_MS } from '../src/fleet/sync-pusher';
import { AudioAsset } from '../src/media/entities/audio-asset.entity';
import {
  DeviceCredentials,
  deviceGet,
  enrolNewDevice,
  SimulatedDevice,
} from './support/fleet-device';
import { eventually } from './support/eventually';
import { seedReadyAudio } from './support/audio-fixtures';
import { insertScheduleItem } from './support/playout-fixtures';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
  HAM_RONG,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const HOUR = 3600 * 1000;

jest.setTimeout(60000);

describe('fleet: device manifests and resumable audio downloads (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let who: Actors;
  const clock = new ManualClock('2026-12-03T07:00:00.000Z');
  let thon1: DeviceCredentials;
  let thon2: DeviceCredentials;
  let foreign: DeviceCredentials;
  const items: Record<string, string> = {};
  let priorityBulletin: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    // The devices are plain HTTP clients: the app listens on a real port.
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    thon1 = await enrolNewDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 1', ['thon-1']);
    thon2 = await enrolNewDevice(app, who.operator, HAC_THANH, 'Cụm loa thôn 2', ['thon-2']);
    foreign = await enrolNewDevice(app, who.otherOperator, HAM_RONG, 'Cụm loa Hàm Rồng', [
      'thon-1',
    ]);
    const normal = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Lịch tiêm chủng tháng 12',
      topics: ['chinh-quyen-so'],
      durationMs: 20000,
    });
    priorityBulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Thông báo họp thôn 1',
      topics: ['chinh-quyen-so'],
      durationMs: 15000,
      priority: 'priority',
    });
    const item = async (
      name: string,
      bulletinId: string,
      inMs: number,
      durationMs: number,
      extra: { zones?: string[] | null; status?: 'cancelled' | 'aired' } = {},
    ) => {
      const created = await insertScheduleItem(app, {
        communeCode: HAC_THANH,
        bulletinId,
        startsAt: new Date(clock.nowMs() + inMs),
        durationMs,
        ...extra,
      });
      items[name] = created.id;
    };
    await item('everyZone', normal, 2 * HOUR, 20000);
    await item('thon1Only', priorityBulletin, 1 * HOUR, 15000, { zones: ['thon-1'] });
    await item('thon1AndThon3', normal, 3 * HOUR, 20000, { zones: ['thon-1', 'thon-3'] });
    await item('cancelled', normal, 4 * HOUR, 20000, { status: 'cancelled' });
    await item('ended', normal, -HOUR, 20000);
    await item('pastHorizon', normal, 73 * HOUR, 20000);
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  async function manifestOf(device: DeviceCredentials): Promise<Manifest> {
    const response = await deviceGet(baseUrl, manifestPath(device.deviceId), device.apiToken);
    expect(response.status).toBe(200);
    // Checked as a device checks it: by the protocol module's validator.
    const parsed = parseManifest(JSON.parse(response.body.toString('utf8')));
    if (!parsed.ok) throw new Error(`invalid manifest: ${parsed.error}`);
    return parsed.value;
  }

  it('lists for each device only the open items of its zones, in start order', async () => {
    const first = await manifestOf(thon1);
    expect(first.generatedAt).toBe('2026-12-03T07:00:00.000Z');
    expect(first.horizonUntil).toBe('2026-12-06T07:00:00.000Z');
    expect(first.items.map((entry) => entry.scheduleItemId)).toEqual([
      items.thon1Only,
      items.everyZone,
      items.thon1AndThon3,
    ]);
    const [zoned, everyZone] = first.items;
    expect(zoned).toEqual({
      scheduleItemId: items.thon1Only,
      startsAt: '2026-12-03T08:00:00.000Z',
      durationMs: 15000,
      zones: ['thon-1'],
      priority: 'priority',
      audio: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        bytes: expect.any(Number),
        url: `/api/v1/audio/${zoned.audio!.id}/content`,
      },
    });
    expect(everyZone).toMatchObject({ zones: null, priority: 'normal' });

    const second = await manifestOf(thon2);
    expect(second.items.map((entry) => entry.scheduleItemId)).toEqual([items.everyZone]);
    expect(second.items[0].audio).toEqual(everyZone.audio);
  });

  it('keeps a manifest to its own device: another id is 403, a user token 401', async () => {
    for (const [device, target] of [
      [thon1, thon2],
      [foreign, thon1],
    ]) {
      const refused = await deviceGet(
        baseUrl,
        `/api/v1/devices/${target.deviceId}/manifest`,
        device.apiToken,
      );
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body.toString('utf8'))).toMatchObject({ code: 'FORBIDDEN' });
    }
    await app
      .http()
      .get(`/api/v1/devices/${thon1.deviceId}/manifest`)
      .set(bearer(who.operator))
      .expect(401);
    expect((await manifestOf(foreign)).items).toEqual([]);
  });

  it('resumes a cut audio download with Range and If-Range; the bytes match the manifest', async () => {
    const [entry] = (await manifestOf(thon1)).items;
    const etag = `"${entry.audio!.sha256}"`;
    const half = Math.floor(entry.audio!.bytes / 2);

    // The link drops half way through the download.
    const cut = await deviceGet(baseUrl, entry.audio!.url, thon1.apiToken, {}, half);
    expect(cut.status).toBe(200);
    expect(cut.headers['accept-ranges']).toBe('bytes');
    expect(cut.headers.etag).toBe(etag);
    expect(cut.body).toHaveLength(half);

    const rest = await deviceGet(baseUrl, entry.audio!.url, thon1.apiToken, {
      Range: `bytes=${half}-`,
      'If-Range': etag,
    });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(
      `bytes ${half}-${entry.audio!.bytes - 1}/${entry.audio!.bytes}`,
    );
    const joined = Buffer.concat([cut.body, rest.body]);
    expect(joined).toHaveLength(entry.audio!.bytes);
    expect(createHash('sha256').update(joined).digest('hex')).toBe(entry.audio!.sha256);

    // A rendition that changed since (another ETag): the whole file again, not a wrong piece.
    const stale = await deviceGet(baseUrl, entry.audio!.url, thon1.apiToken, {
      Range: `bytes=${half}-`,
      'If-Range': '"0000"',
    });
    expect([stale.status, stale.body.length]).toEqual([200, entry.audio!.bytes]);

    const beyond = await deviceGet(baseUrl, entry.audio!.url, thon1.apiToken, {
      Range: `bytes=${entry.audio!.bytes}-`,
    });
    expect(beyond.status).toBe(416);
    expect(JSON.parse(beyond.body.toString('utf8'))).toMatchObject({
      code: 'RANGE_NOT_SATISFIABLE',
    });

    // The sha256 of a rendition made before it was stored is kept once computed.
    const asset = await app.app
      .get(Db)
      .manager.findOneByOrFail(AudioAsset, { id: entry.audio!.id });
    expect([asset.renditionSha256, asset.renditionBytes]).toEqual([
      entry.audio!.sha256,
      entry.audio!.bytes,
    ]);
  });

  it("refuses another commune's device the audio, and keeps users' access as it was", async () => {
    const [entry] = (await manifestOf(thon1)).items;
    const refused = await deviceGet(baseUrl, entry.audio!.url, foreign.apiToken);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body.toString('utf8'))).toMatchObject({ code: 'FORBIDDEN' });
    const invalid = await deviceGet(baseUrl, entry.audio!.url, 'lxd_' + 'x'.repeat(43));
    expect(invalid.status).toBe(401);
    // The province library is every commune's of the province.
    const library = await seedReadyAudio(app, {
      ownerCode: '38',
      communeCode: null,
      provinceCode: '38',
      durationMs: 3000,
    });
    const shared = await deviceGet(baseUrl, `/api/v1/audio/${library}/content`, foreign.apiToken);
    expect(shared.status).toBe(200);

    const own = await app
      .http()
      .get(entry.audio!.url)
      .set(bearer(who.operator))
      .set('Range', 'bytes=0-9')
      .expect(206);
    expect(own.headers.etag).toBe(`"${entry.audio!.sha256}"`);
    await app.http().get(entry.audio!.url).set(bearer(who.otherOperator)).expect(403);
    await app.http().get(entry.audio!.url).set(bearer(who.monitor)).expect(200);
  });

  it('pushes one sync to the online devices a change concerns, and their manifest holds it', async () => {
    const [one, two] = await Promise.all([
      SimulatedDevice.connect(thon1),
      SimulatedDevice.connect(thon2),
    ]);
    try {
      for (const device of [one, two]) {
        await device.subscribeCommands();
        await device.status({ status: 'online', ts: clock.now().toISOString() });
      }
      await eventually(
        async () => {
          const list = await app
            .http()
            .get(`/api/v1/communes/${HAC_THANH}/devices`)
            .set(bearer(who.operator))
            .expect(200);
          const online = (list.body as { id: string; status: string }[]).filter(
            (device) =>
              [thon1.deviceId, thon2.deviceId].includes(device.id) && device.status === 'online',
          );
          return online.length === 2 ? true : undefined;
        },
        { timeoutMs: 10000, what: 'both devices online' },
      );
      await createWindow(app, who.operator, HAC_THANH, {
        name: 'Chiều',
        startTime: '15:10',
        durationMinutes: 30,
      });
      const add = (time: string, zones?: string[]) =>
        app
          .http()
          .post(`/api/v1/communes/${HAC_THANH}/schedule`)
          .set(bearer(who.operator))
          .send({ bulletinId: priorityBulletin, startsAt: `2026-12-03T${time}+07:00`, zones })
          .expect(201)
          .then((response) => response.body.id as string);

      // Three changes for thôn 1 in a row: one sync, to thôn 1's cluster only. The service
      // gathers a commune's changes for SYNC_COALESCE_MS from the first: when the three took
      // longer than that (a test run on a busy machine), a window opens again for each further
      // SYNC_COALESCE_MS they took, and never more than one a change.
      const firstSent = Date.now();
      const added = [await add('15:10:00', ['thon-1']), await add('15:11:00', ['thon-1'])];
      added.push(await add('15:12:00', ['thon-1']));
      const windows = Math.min(
        added.length,
        1 + Math.floor((Date.now() - firstSent) / SYNC_COALESCE_MS),
      );
      await eventually(() => Promise.resolve(one.commands.length > 0 ? true : undefined), {
        timeoutMs: 5000,
        what: 'a sync',
      });
      await new Promise((resolve) => setTimeout(resolve, SYNC_COALESCE_MS + 500));
      expect(one.commands.length).toBeLessThanOrEqual(windows);
      expect(one.commands).toEqual(
        one.commands.map(() => ({ id: expect.any(String) as unknown, type: 'sync' })),
      );
      expect(two.commands).toEqual([]);
      const manifest = await manifestOf(thon1);
      for (const id of added) {
        expect(manifest.items.map((entry) => entry.scheduleItemId)).toContain(id);
      }
      // The command is recorded like any other (no user sent it).
      const recorded = await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/devices/${thon1.deviceId}/commands`)
        .set(bearer(who.operator))
        .expect(200);
      expect(recorded.body[0]).toMatchObject({ id: one.commands[0].id, type: 'sync' });

      // An item for every cluster: both fetch.
      const everyone = await add('15:20:00');
      await eventually(() => Promise.resolve(two.commands.length > 0 ? true : undefined), {
        timeoutMs: 5000,
        what: 'sync 2',
      });
      await eventually(() => Promise.resolve(one.commands.length > 1 ? true : undefined), {
        timeoutMs: 5000,
        what: 'sync 1',
      });
      expect((await manifestOf(thon2)).items.map((entry) => entry.scheduleItemId)).toContain(
        everyone,
      );
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
