import { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
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
import {
  describeWithIcecast,
  ICECAST_SOURCE_PASSWORD,
  sourceMounted,
  startIcecast,
} from './support/icecast';
import { ANALYSIS_RATE, decodeMono, dominantTone } from './support/tone';

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

/** Records the mount to `path` for `ms`, as a listener would; says whether the stream broke off. */
function record(
  port: number,
  mount: string,
  path: string,
  ms: number,
): Promise<{ brokeOff: boolean }> {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(path);
    let done = false;
    const req = request({ host: '127.0.0.1', port, path: mount }, (response) => {
      response.pipe(file);
      response.once('end', () => {
        if (done) return;
        done = true;
        file.end(() => resolve({ brokeOff: true }));
      });
      setTimeout(() => {
        if (done) return;
        done = true;
        response.unpipe(file);
        req.destroy();
        file.end(() => resolve({ brokeOff: false }));
      }, ms);
    });
    req.on('error', (error) => (done ? undefined : reject(error)));
    req.end();
  });
}

/** The stretches (ms from the recording's start) where `frequency` is the tone heard, 50 ms blocks. */
function toneRuns(
  samples: Float32Array,
  frequency: number,
  candidates: number[],
): { fromMs: number; toMs: number }[] {
  const runs: { fromMs: number; toMs: number }[] = [];
  const totalMs = (samples.length * 1000) / ANALYSIS_RATE;
  for (let at = 0; at + 50 <= totalMs; at += 50) {
    if (dominantTone(samples, at, at + 50, candidates) !== frequency) continue;
    const last = runs[runs.length - 1];
    if (last && last.toMs === at) last.toMs = at + 50;
    else runs.push({ fromMs: at, toMs: at + 50 });
  }
  return runs;
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

  it('keeps the mount up between items: a listener connected before an item records it whole', async () => {
    const mount = `/${COMMUNE}.mp3`;
    const items: { id: string; frequency: number; durationMs: number; startsAt: Date }[] = [];
    const plays: { frequency: number; durationMs: number; offsetMs: number; bulletinId: string }[] =
      [];
    for (const [frequency, durationMs, offsetMs] of [
      [660, 1500, 5000],
      [440, 3000, 8500],
    ]) {
      const audio = await insertReadyAudio(app, {
        communeCode: COMMUNE,
        provinceCode: '38',
        durationMs,
        frequency,
      });
      const bulletin = await insertBulletin(app, {
        communeCode: COMMUNE,
        provinceCode: '38',
        title: `Bản tin ${frequency} Hz`,
        topics: ['xa-hoi-so'],
        audioId: audio.id,
      });
      plays.push({ frequency, durationMs, offsetMs, bulletinId: bulletin.id });
    }
    const base = Date.now();
    for (const { frequency, durationMs, offsetMs, bulletinId } of plays) {
      const startsAt = new Date(base + offsetMs);
      const item = await insertScheduleItem(app, {
        communeCode: COMMUNE,
        bulletinId,
        startsAt,
        durationMs,
      });
      items.push({ id: item.id, frequency, durationMs, startsAt });
    }
    app.app.get(ScheduleChanges).emit({
      communeCode: COMMUNE,
      kind: 'created',
      itemIds: items.map((item) => item.id),
    });
    // The output of the first test is still on its mount: a listener comes before either item.
    expect(await sourceMounted(port, mount)).toBe(true);
    const connectedAt = Date.now();
    expect(items[0].startsAt.getTime() - connectedAt).toBeGreaterThan(2000);
    const path = join(storage.dir, 'listener.mp3');
    const lengthMs = items[1].startsAt.getTime() + 3000 + 1500 - connectedAt;
    const heard = await record(port, mount, path, lengthMs);
    expect(heard.brokeOff).toBe(false);

    const samples = decodeMono(path);
    const candidates = [440, 660];
    const first = toneRuns(samples, 660, candidates);
    // Icecast hands a new listener its burst (the last seconds it sent) first: the tail of the
    // first test's 440 Hz item may open the recording; only what came after the 660 Hz item counts.
    const second = toneRuns(samples, 440, candidates).filter(
      (run) => first.length === 1 && run.fromMs > first[0].toMs,
    );
    // Each item heard once, whole (its first second too), as long as its rendition (50 ms blocks,
    // one block of margin at each edge for the MP3 frames and the block grid).
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    const firstMs = first[0].toMs - first[0].fromMs;
    const secondMs = second[0].toMs - second[0].fromMs;
    expect(Math.abs(firstMs - 1500)).toBeLessThanOrEqual(100);
    expect(Math.abs(secondMs - 3000)).toBeLessThanOrEqual(100);
    // The stream ran on between them: the silence is as long as planned (3.5 s − 1.5 s).
    expect(Math.abs(second[0].fromMs - first[0].toMs - 2000)).toBeLessThanOrEqual(100);
    // And before the first item the listener heard the output's silence, not nothing.
    expect(first[0].fromMs).toBeGreaterThan(1000);

    const admin = await app.login(ADMIN.username, ADMIN.password);
    let records: { outcome: string; scheduleItemId: string }[] = [];
    for (let tries = 0; tries < 40 && records.length < 3; tries += 1) {
      records = (
        await app
          .http()
          .get(`/api/v1/communes/${COMMUNE}/playout-log`)
          .set(bearer(admin))
          .expect(200)
      ).body as typeof records;
      if (records.length < 3) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const item of items) {
      expect(records).toContainEqual(
        expect.objectContaining({ scheduleItemId: item.id, outcome: 'aired' }),
      );
    }
  });
});
