import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
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

const ICECAST = '/usr/bin/icecast2';
const COMMUNE = '14797';
const SOURCE_PASSWORD = 'loa-xa-test-source';

jest.setTimeout(60000);

/** Debian's icecast2 on a port of its own, run as nobody (it refuses root). */
function startIcecast(dir: string, port: number): ChildProcess {
  const logs = join(dir, 'icecast-log');
  mkdirSync(logs, { recursive: true });
  chmodSync(dir, 0o777);
  chmodSync(logs, 0o777);
  const config = join(dir, 'icecast.xml');
  writeFileSync(
    config,
    `<icecast>
  <limits><sources>4</sources></limits>
  <authentication>
    <source-password>${SOURCE_PASSWORD}</source-password>
    <admin-user>admin</admin-user><admin-password>loa-xa-test-admin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>${logs}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><errorlog>-</errorlog><loglevel>1</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>
</icecast>`,
  );
  return spawn(ICECAST, ['-c', config], { stdio: 'ignore' });
}

async function sourceMounted(port: number, mount: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/status-json.xsl`);
  const status = (await response.json()) as { icestats: { source?: unknown } };
  const sources = [status.icestats.source ?? []].flat() as { listenurl: string }[];
  return sources.some((source) => source.listenurl.endsWith(mount));
}

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

const describeWithIcecast = existsSync(ICECAST) ? describe : describe.skip;

describeWithIcecast('playout to a local Icecast server (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let icecast: ChildProcess;
  let port: number;

  beforeAll(async () => {
    storage = await createTestStorage();
    port = await freePort();
    icecast = startIcecast(storage.dir, port);
    for (let tries = 0; tries < 50; tries += 1) {
      if (
        await fetch(`http://127.0.0.1:${port}/status-json.xsl`).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'icecast',
      PLAYOUT_ICECAST_URL: `icecast://source:${SOURCE_PASSWORD}@127.0.0.1:${port}/{commune}.mp3`,
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
