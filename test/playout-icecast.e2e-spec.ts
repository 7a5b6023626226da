import { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { ScheduleChanges } from '../src/schedule/schedule-changes';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';
import { freePort } from './support/services';
import {
  describeWithIcecast,
  ICECAST_SOURCE_PASSWORD,
  sourceMounted,
  startIcecast,
} from './support/icecast';

const COMMUNE = '14797';

jest.setTimeout(60000);

/** Listens to the mount like an IP speaker for `ms`; returns the bytes and the stream's name. */
function listen(port: number, mount: string, ms: number): Promise<{ bytes: number; name: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: mount }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      setTimeout(() => {
        req.destroy();
        resolve({
          bytes,
          name: Buffer.from(String(response.headers['icy-name'] ?? ''), 'latin1').toString('utf8'),
        });
      }, ms);
    });
    req.on('error', reject);
    req.end();
  });
}

describeWithIcecast('playout to a local Icecast server (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let icecast: ChildProcess;
  let port: number;

  beforeAll(async () => {
    storage = await createTestStorage();
    port = await freePort();
    icecast = await startIcecast(storage.dir, port);
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'icecast',
      PLAYOUT_ICECAST_URL: `icecast://source:${ICECAST_SOURCE_PASSWORD}@127.0.0.1:${port}/{commune}.mp3`,
      PLAYOUT_PREROLL_MS: '1500',
      PLAYOUT_RECONCILE_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await app?.close();
    icecast?.kill('SIGKILL');
    await storage?.dispose();
  });

  it('streams an item to its commune mount, where a listener hears it', async () => {
    const admin = await app.login(ADMIN.username, ADMIN.password);
    const audio = await insertReadyAudio(app, {
      communeCode: COMMUNE,
      provinceCode: '38',
      durationMs: 5000,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: COMMUNE,
      provinceCode: '38',
      title: 'Bản tin chuyển đổi số',
      topics: ['xa-hoi-so'],
      audioId: audio.id,
    });
    const item = await insertScheduleItem(app, {
      communeCode: COMMUNE,
      bulletinId: bulletin.id,
      startsAt: new Date(Date.now() + 3000),
      durationMs: 5000,
    });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: COMMUNE, kind: 'created', itemIds: [item.id] });

    const mount = `/${COMMUNE}.mp3`;
    const deadline = Date.now() + 6000;
    while (!(await sourceMounted(port, mount)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const heard = await listen(port, mount, 1500);
    // 1.5 s of 128 kb/s MP3 (the server also sends what it buffered before the listener came).
    expect(heard.bytes).toBeGreaterThan(16000);
    expect(heard.name).toBe(`Đài truyền thanh ${COMMUNE}`);

    let records: { outcome: string; scheduleItemId: string }[] = [];
    for (let tries = 0; tries < 60 && records.length === 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      records = (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/playout-log`)
          .set(bearer(admin))
          .expect(200)
      ).body as typeof records;
    }
    expect(records).toEqual([
      expect.objectContaining({ scheduleItemId: item.id, outcome: 'aired' }),
    ]);
  });
});
