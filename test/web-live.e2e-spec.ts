import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { ScheduleChanges } from '../src/schedule/schedule-changes';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { eventually } from './support/eventually';
import { enrolNewDevice } from './support/fleet-device';
import { insertBulletin, insertReadyAudio, insertScheduleItem } from './support/playout-fixtures';
import { createActors, HAC_THANH, HAM_RONG, THANH_HOA } from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';
import { decodeMono, dominantTone } from './support/tone';

jest.setTimeout(180_000);

interface RecordJson {
  scheduleItemId: string | null;
  title: string;
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: string;
  source: string;
  reason: string | null;
  topics: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fake microphone: 880 Hz bursts (0.5 s on, 0.25 s off), 48 kHz mono WAV; Chromium loops it. */
function fakeMicrophone(path: string): void {
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    "sine=frequency=880:sample_rate=48000:duration=12,volume='if(lt(mod(t,0.75),0.5),0.5,0)':eval=frame",
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    '-y',
    path,
  ]);
}

describe('web app: Phát trực tiếp from Chromium with a fake microphone (e2e, file sink)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let admin: string;
  let operator: string;
  let otherOperator: string;

  beforeAll(async () => {
    buildWebApp();
    storage = await createTestStorage();
    app = await startTestApp(storage, {
      PLAYOUT_SINK: 'file',
      PLAYOUT_PREROLL_MS: '1500',
      PLAYOUT_RECONCILE_SECONDS: '1',
    });
    baseUrl = await listen(app);
    admin = await app.login(ADMIN.username, ADMIN.password);
    ({ operator, otherOperator } = await createActors(app, admin, 'web-live-'));
    const wav = join(storage.dir, 'micro.wav');
    fakeMicrophone(wav);
    browser = await launchBrowser({
      extraArgs: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}`,
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await storage?.dispose();
  });

  it('speaks over a playing bulletin: on air within 3 s, archived, recorded, logged as live with its topics, made into a bulletin', async () => {
    // A campaign running today: the page marks the topics it counts.
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(admin))
      .send({
        code: 'web-live-cds',
        name: 'Chuyển đổi số hôm nay',
        startsOn: today,
        endsOn: today,
        rules: [{ topic: 'chinh-quyen-so', minSecondsPerWeek: 60 }],
      })
      .expect(201);
    const audio = await insertReadyAudio(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      durationMs: 30000,
      frequency: 440,
    });
    const bulletin = await insertBulletin(app, {
      communeCode: HAC_THANH,
      provinceCode: THANH_HOA,
      title: 'Hướng dẫn nộp hồ sơ trực tuyến',
      topics: ['chinh-quyen-so'],
      audioId: audio.id,
    });
    const item = await insertScheduleItem(app, {
      communeCode: HAC_THANH,
      bulletinId: bulletin.id,
      startsAt: new Date(Date.now() + 2500),
      durationMs: 30000,
    });
    app.app
      .get(ScheduleChanges)
      .emit({ communeCode: HAC_THANH, kind: 'created', itemIds: [item.id] });

    const page = await browser.newTab('live');
    await signIn(
      page,
      baseUrl,
      'web-live-van-hanh-hac-thanh',
      'web-live-van-hanh-hac-thanh-password',
    );
    await sleep(4000);
    await page.getByRole('link', { name: 'Phát trực tiếp' }).click();
    await page.getByRole('heading', { level: 1, name: 'Phát trực tiếp' }).waitFor();
    await page.getByText(/Đang phát “Hướng dẫn nộp hồ sơ trực tuyến”/).waitFor();
    // The session's topics: the campaign's is starred, and chosen here.
    expect(await page.getByTestId('counted-topics').textContent()).toContain('Chính quyền số');
    await page.getByRole('checkbox', { name: 'Chính quyền số' }).check();
    await screenshot(page, '40-phat-truc-tiep');
    const clickedAt = Date.now();
    await page.getByRole('button', { name: 'BẮT ĐẦU PHÁT TRỰC TIẾP' }).click();
    await page.getByText(/^ĐANG PHÁT TRỰC TIẾP từ/).waitFor({ timeout: 10000 });
    // The level meter moves with the microphone; only the stop button is offered.
    // Polled from here: the page's Content-Security-Policy forbids the eval that a string
    // predicate of waitForFunction needs.
    const meter = page.getByRole('meter');
    await eventually(
      async () => Number(await meter.getAttribute('aria-valuenow')),
      (level) => level > 10,
      { timeoutMs: 10_000 },
    );
    expect(await page.getByRole('button', { name: 'BẮT ĐẦU PHÁT TRỰC TIẾP' }).isHidden()).toBe(
      true,
    );
    await screenshot(page, '41-dang-phat-truc-tiep');
    await sleep(5000);
    await page.getByRole('button', { name: 'DỪNG PHÁT' }).click();
    await page.getByText(/^Đã phát trực tiếp/).waitFor({ timeout: 15000 });

    const log = async () =>
      (
        await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/playout-log`)
          .set(bearer(operator))
          .expect(200)
      ).body as RecordJson[];
    let found = await log();
    for (let i = 0; i < 40 && found.length < 2; i++) {
      await sleep(250);
      found = await log();
    }
    const interrupted = found.find((record) => record.scheduleItemId === item.id)!;
    expect(interrupted).toMatchObject({ outcome: 'partial' });
    expect(interrupted.reason).toContain('Ngắt để phát trực tiếp');
    const live = found.find((record) => record.source === 'live')!;
    expect(live).toMatchObject({
      outcome: 'aired',
      title: 'Phát trực tiếp: web-live-van-hanh-hac-thanh',
      topics: ['chinh-quyen-so'],
    });
    // On air within 3 s of the click (the click precedes the microphone and the first frame).
    expect(Date.parse(live.startedAt) - clickedAt).toBeLessThan(3000);
    expect(live.playedMs).toBeGreaterThan(4000);
    expect(live.playedMs).toBeLessThan(9000);

    // The file sink's archive holds the microphone's 880 Hz bursts from its first seconds.
    const dir = join(storage.env.MEDIA_DIR!, 'archive');
    const files = readdirSync(dir, { recursive: true }) as string[];
    const archived = files.filter((file) => /-live-.*\.mp3$/.test(file));
    expect(archived).toHaveLength(1);
    const samples = decodeMono(join(dir, archived[0]));
    const heard = [0, 250, 500, 750, 1000, 1250, 1500].map((from) =>
      dominantTone(samples, from, from + 250, [440, 880]),
    );
    expect(heard).toContain(880);
    expect(heard).not.toContain(440);

    // The recording is an audio asset of the commune; the chain verifies.
    const assets = (
      await app.http().get(`/api/v1/communes/${HAC_THANH}/audio`).set(bearer(operator)).expect(200)
    ).body as { id: string; originalName: string | null }[];
    const recording = assets.find((asset) => /^phat-truc-tiep-/.test(asset.originalName ?? ''));
    expect(recording).toBeDefined();
    const verify = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/playout-log/verify`)
      .set(bearer(admin))
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true });
    await screenshot(page, '42-da-phat-truc-tiep');

    // The page's link makes the recording a bulletin: Tạo bản tin opens with it chosen.
    await page.getByRole('link', { name: 'Tạo bản tin từ bản ghi âm này' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tạo bản tin' }).waitFor();
    await page.getByText('Âm thanh đã sẵn sàng.').waitFor({ timeout: 60_000 });
    await page.getByLabel('Tiêu đề').fill('Thông báo trực tiếp của xã');
    await page.getByRole('checkbox', { name: 'Chính quyền số' }).check();
    await page.getByRole('button', { name: 'Lưu bản tin', exact: true }).click();
    await page.getByText('Đã lưu bản tin “Thông báo trực tiếp của xã”').waitFor();
    const bulletins = (
      await app
        .http()
        .get(`/api/v1/communes/${HAC_THANH}/bulletins`)
        .set(bearer(operator))
        .expect(200)
    ).body as { title: string; audioId: string }[];
    expect(bulletins.find((found) => found.title === 'Thông báo trực tiếp của xã')).toMatchObject({
      audioId: recording!.id,
    });
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it('speaks to the speaker clusters of chosen zones in a commune that has them', async () => {
    await enrolNewDevice(app, otherOperator, HAM_RONG, 'Cụm loa chợ', ['thon-1', 'thon-2']);
    const page = await browser.newTab('live-devices');
    await signIn(
      page,
      baseUrl,
      'web-live-van-hanh-ham-rong',
      'web-live-van-hanh-ham-rong-password',
    );
    await page.getByRole('link', { name: 'Phát trực tiếp' }).click();
    await page.getByRole('heading', { level: 1, name: 'Phát trực tiếp' }).waitFor();
    await page.getByText(/^Xã phát qua cụm loa/).waitFor();
    expect(await page.getByText(/chưa thể phát trực tiếp/).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'thon-2' }).check();
    expect(await page.getByRole('checkbox', { name: 'thon-1' }).isChecked()).toBe(false);
    await screenshot(page, '43-phat-truc-tiep-cum-loa');
    await page.getByRole('button', { name: 'BẮT ĐẦU PHÁT TRỰC TIẾP' }).click();
    await page.getByText(/^ĐANG PHÁT TRỰC TIẾP từ/).waitFor({ timeout: 10000 });
    await sleep(2000);
    await page.getByRole('button', { name: 'DỪNG PHÁT' }).click();
    await page.getByText(/^Đã phát trực tiếp .* tới các cụm loa/).waitFor({ timeout: 15000 });
    // The session is a live item of the chosen zone on the commune's program log.
    const items = await app.app
      .get(DataSource)
      .getRepository(ScheduleItem)
      .findBy({ communeCode: HAM_RONG, source: 'live' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ zones: ['thon-2'], bulletinId: null });
    expect(items[0].durationMs).toBeGreaterThan(1000);
    expect(items[0].durationMs).toBeLessThan(10000);
    expect(browser.problems).toEqual([]);
    await page.close();
  });

  it("says a session is refused in the commune's quiet hours, naming the commune's hours", async () => {
    // The commune's own quiet hours around now, not the service's default 21:30–05:30.
    const local = (offsetMinutes: number) =>
      new Date(Date.now() + 7 * 3600_000 + offsetMinutes * 60_000).toISOString().slice(11, 16);
    const quietHours = { from: local(-60), to: local(60) };
    await app
      .http()
      .put(`/api/v1/communes/${HAC_THANH}/policy`)
      .set(bearer(admin))
      .send({ quietHours })
      .expect(200);
    const page = await browser.newTab('live-quiet');
    await signIn(
      page,
      baseUrl,
      'web-live-van-hanh-hac-thanh',
      'web-live-van-hanh-hac-thanh-password',
    );
    await page.getByRole('link', { name: 'Phát trực tiếp' }).click();
    await page.getByRole('heading', { level: 1, name: 'Phát trực tiếp' }).waitFor();
    await page.getByRole('button', { name: 'BẮT ĐẦU PHÁT TRỰC TIẾP' }).click();
    await page
      .getByText(
        `Đang trong giờ yên tĩnh ${quietHours.from}–${quietHours.to} nên không phát trực tiếp được; tin cần phát ngay hãy phát dưới dạng bản tin khẩn cấp`,
      )
      .waitFor({ timeout: 10000 });
    expect(await page.getByText('21:30–05:30').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'BẮT ĐẦU PHÁT TRỰC TIẾP' }).isEnabled()).toBe(
      true,
    );
    // The one refusal, and nothing else, in the browser's console.
    const refused = browser.problems.filter((problem) => problem.text.includes('status of 409'));
    expect(refused).toHaveLength(1);
    expect(browser.problems).toEqual(refused);
    browser.problems.length = 0;
    await page.close();
  });
});
