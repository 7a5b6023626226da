import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryParser, ffmpeg, letterText, measure, speech } from './support/media-fixtures';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(180000);

const HAC_THANH = '14797';

interface AssetBody {
  id: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  integratedLufs: number | null;
  truePeakDbtp: number | null;
  durationMs: number | null;
  processing: { attempts: number };
}

/**
 * A worker process killed with SIGKILL in the middle of a job: the job is taken over by the next
 * worker once its lock expires and completes, and until then the rendition is never served.
 * The API runs here (api role only); workers are the built service in separate processes
 * (`npm run test:e2e` builds it first).
 */
describe('audio job across a worker killed mid-job (e2e, built service)', () => {
  let storage: TestStorage;
  let api: TestApp;
  let operator: string;
  let fixtures: string;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    storage = await createTestStorage();
    api = await startTestApp(storage, { APP_ROLES: 'api' });
    const admin = await api.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(api, admin, {
      username: 'van-hanh-crash',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    fixtures = mkdtempSync(join(tmpdir(), 'loa-xa-crash-'));
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await api.close();
    await storage.dispose();
    rmSync(fixtures, { recursive: true, force: true });
  });

  function startWorker(): ServiceProcess {
    const worker = startServiceProcess({ ...storage.env, APP_ROLES: 'worker' });
    workers.push(worker);
    return worker;
  }

  async function status(id: string): Promise<AssetBody> {
    const response = await api.http().get(`/api/v1/audio/${id}`).set(bearer(operator)).expect(200);
    return response.body as AssetBody;
  }

  /** The content route, checked on every poll: 409 until ready, never a partial file. */
  async function assertNotServedBeforeReady(id: string, asset: AssetBody): Promise<void> {
    const response = await api.http().get(`/api/v1/audio/${id}/content`).set(bearer(operator));
    if (asset.status === 'ready') return;
    if (response.status === 200) {
      // It became ready between the two reads: served only if the asset says so now.
      expect((await status(id)).status).toBe('ready');
      return;
    }
    expect({ status: asset.status, content: response.status }).toEqual({
      status: asset.status,
      content: 409,
    });
    expect(response.body).toMatchObject({ code: 'AUDIO_CONTENT_NOT_READY' });
  }

  async function pollUntil(
    id: string,
    done: (asset: AssetBody) => boolean,
    timeoutMs: number,
  ): Promise<AssetBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const asset = await status(id);
      await assertNotServedBeforeReady(id, asset);
      if (done(asset)) return asset;
      if (Date.now() > deadline) throw new Error(`timed out at ${JSON.stringify(asset)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function renditionFiles(): string[] {
    try {
      return readdirSync(join(storage.env.MEDIA_DIR!, 'renditions'));
    } catch {
      return [];
    }
  }

  it('completes after a SIGKILL, and serves nothing until the rendition is complete', async () => {
    const voice = await speech(fixtures, 'letter.wav', letterText());
    const path = join(fixtures, 'cong-van.mp3');
    await ffmpeg([
      '-i',
      voice,
      '-af',
      'pan=stereo|c0=c0|c1=c0',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '96k',
      path,
    ]);
    const created = await api
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio`)
      .set(bearer(operator))
      .attach('file', path)
      .expect(202);
    const id = (created.body as AssetBody).id;

    // Nobody processes it yet: queued, not served.
    await assertNotServedBeforeReady(id, await status(id));

    const first = startWorker();
    await first.waitFor(/running without HTTP/, 60000);
    const midJob = await pollUntil(id, (a) => a.status === 'processing' && a.progress >= 10, 60000);
    expect(midJob.progress).toBeLessThan(100);
    first.child.kill('SIGKILL');
    expect(await first.stop()).toBe('SIGKILL');

    // Killed mid-job: still "processing" in the database, and no rendition under its final name.
    const afterKill = await status(id);
    expect(afterKill.status).toBe('processing');
    await assertNotServedBeforeReady(id, afterKill);
    expect(renditionFiles()).not.toContain(`${id}.mp3`);

    const second = startWorker();
    await second.waitFor(/running without HTTP/, 60000);
    const ready = await pollUntil(id, (a) => a.status === 'ready' || a.status === 'failed', 120000);
    expect(ready.status).toBe('ready');
    expect(ready.processing.attempts).toBeGreaterThanOrEqual(2);

    const content = await api
      .http()
      .get(`/api/v1/audio/${id}/content`)
      .set(bearer(operator))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const rendition = join(fixtures, 'rendition.mp3');
    writeFileSync(rendition, content.body as Buffer);
    const measured = await measure(rendition);
    expect(Math.abs(measured.integratedLufs + 16)).toBeLessThanOrEqual(0.5);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(-1.5);
    expect(Math.abs(measured.durationS - ready.durationMs! / 1000)).toBeLessThan(0.1);
    expect(renditionFiles().filter((name) => name.startsWith(id))).toEqual([`${id}.mp3`]);
    expect(await second.stop('SIGTERM')).not.toBe('SIGKILL');
  });
});
