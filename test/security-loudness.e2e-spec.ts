/**
 * Issue 12, finding 8: honest loudness figures. Test signals of EBU Tech 3341 (made here with
 * ffmpeg's lavfi) and recordings that trip a mono downmix are uploaded through the HTTP API,
 * processed by the real pipeline (real ffmpeg, queue on Redis), and the stored figures and the
 * MP3 are checked against the signals' defined loudness and an independent measurement.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, APP_CONFIG } from '../src/config/app-config';
import { Browser, buildWebApp, launchBrowser, listen, screenshot, signIn } from './support/browser';
import { binaryParser, ffmpeg, LETTER_SENTENCES, measure, speech } from './support/media-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(180_000);

const HAC_THANH = '14797';
const BULLETIN_TITLE = 'Thông báo thu âm nhỏ';
const OPERATOR = { username: 'van-hanh-do-lon', password: 'van-hanh-do-lon-mat-khau' };

interface AssetBody {
  id: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  integratedLufs: number | null;
  truePeakDbtp: number | null;
  loudnessWarning: 'too-quiet' | null;
  targetLufs: number | null;
  error: string | null;
  input: { channels: number | null; integratedLufs: number | null; truePeakDbtp: number | null };
}

/** Tech 3341's tolerance on integrated loudness. */
const LOUDNESS_TOLERANCE_LU = 0.1;

function amplitude(dbfs: number): string {
  return (10 ** (dbfs / 20)).toFixed(8);
}

/** A 1 kHz sine at `dbfs` (peak), as an aevalsrc expression; null for a silent channel. */
function tone(dbfs: number | null): string {
  return dbfs === null ? '0' : `${amplitude(dbfs)}*sin(2*PI*1000*t)`;
}

/** 20 s of 1 kHz sine per channel at the given levels, 48 kHz 24-bit WAV. */
async function toneWav(
  dir: string,
  name: string,
  levels: (number | null)[],
  layout: string,
): Promise<string> {
  const path = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=${levels.map(tone).join('|')}:s=48000:d=20:c=${layout}`,
    '-c:a',
    'pcm_s24le',
    path,
  ]);
  return path;
}

/**
 * The same WAV with its channel mask cleared: the file no longer says which channel is which
 * (as many recorders write multichannel WAV).
 */
function withoutChannelMask(source: string, target: string): string {
  const bytes = readFileSync(source);
  const fmt = bytes.indexOf('fmt ', 12, 'latin1');
  // WAVE_FORMAT_EXTENSIBLE: the mask sits 20 bytes into the fmt chunk's data.
  expect(bytes.readUInt16LE(fmt + 8)).toBe(0xfffe);
  bytes.writeUInt32LE(0, fmt + 8 + 20);
  writeFileSync(target, bytes);
  return target;
}

/** Speech leveled so that its BS.1770 loudness (measured by ffmpeg, here) is `lufs`. */
async function speechAt(
  dir: string,
  name: string,
  lufs: number,
  layoutFilter: string,
): Promise<string> {
  const voice = await speech(dir, `${name}-voice.wav`, LETTER_SENTENCES.slice(0, 2).join(' '));
  const shaped = join(dir, `${name}-shaped.wav`);
  await ffmpeg([
    '-i',
    voice,
    '-af',
    `aresample=48000,${layoutFilter}`,
    '-c:a',
    'pcm_f32le',
    shaped,
  ]);
  const path = join(dir, name);
  const gain = lufs - (await measure(shaped)).integratedLufs;
  await ffmpeg(['-i', shaped, '-af', `volume=${gain.toFixed(3)}dB`, '-c:a', 'pcm_s24le', path]);
  return path;
}

describe('security: honest loudness figures (issue 12, finding 8)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let operator: string;
  let fixtures: string;
  let target: { lufs: number; truePeak: number };

  beforeAll(async () => {
    storage = await createTestStorage({ AUDIO_MAX_UPLOAD_BYTES: String(32 * 1024 * 1024) });
    app = await startTestApp(storage);
    const config = app.app.get<AppConfig>(APP_CONFIG);
    target = { lufs: config.audio.targetLufs, truePeak: config.audio.truePeakDbtp };
    const admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      ...OPERATOR,
      role: 'operator',
      communeCode: HAC_THANH,
    });
    fixtures = mkdtempSync(join(tmpdir(), 'loa-xa-loudness-'));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
    rmSync(fixtures, { recursive: true, force: true });
  });

  async function process(path: string): Promise<AssetBody> {
    const created = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio`)
      .set(bearer(operator))
      .attach('file', path)
      .expect(202);
    const id = (created.body as AssetBody).id;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const response = await app
        .http()
        .get(`/api/v1/audio/${id}`)
        .set(bearer(operator))
        .expect(200);
      const body = response.body as AssetBody;
      if (body.status === 'ready' || body.status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`audio ${id} still ${body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The MP3 as a listener gets it, measured independently. */
  async function rendition(
    asset: AssetBody,
  ): Promise<{ integratedLufs: number; truePeakDbtp: number }> {
    const response = await app
      .http()
      .get(`/api/v1/audio/${asset.id}/content`)
      .set(bearer(operator))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const path = join(fixtures, `rendition-${asset.id}.mp3`);
    writeFileSync(path, response.body as Buffer);
    return measure(path);
  }

  async function expectOnTarget(asset: AssetBody): Promise<void> {
    expect(asset).toMatchObject({
      status: 'ready',
      loudnessWarning: null,
      targetLufs: target.lufs,
    });
    const mp3 = await rendition(asset);
    expect(Math.abs(mp3.integratedLufs - target.lufs)).toBeLessThanOrEqual(0.5);
    expect(mp3.truePeakDbtp).toBeLessThanOrEqual(target.truePeak);
  }

  it.each([
    ['case 1', -23],
    ['case 2', -33],
  ])(
    'Tech 3341 %s: stereo 1 kHz sine at %d dBFS per channel is stored at that loudness',
    async (_case, dbfs) => {
      const asset = await process(
        await toneWav(fixtures, `tech3341-${dbfs}.wav`, [dbfs, dbfs], 'stereo'),
      );
      expect(asset.input.channels).toBe(2);
      expect(Math.abs(asset.input.integratedLufs! - dbfs)).toBeLessThanOrEqual(
        LOUDNESS_TOLERANCE_LU,
      );
      // A 1 kHz sine has its crests on the samples: true peak = sample peak (+0.2/−0.4 dB).
      expect(asset.input.truePeakDbtp!).toBeGreaterThanOrEqual(dbfs - 0.4);
      expect(asset.input.truePeakDbtp!).toBeLessThanOrEqual(dbfs + 0.2);
      await expectOnTarget(asset);
    },
  );

  it('Tech 3341 case 6 in 5.1: surrounds weighted +1.5 dB, LFE left out, with or without a channel mask', async () => {
    // L, R −28 dBFS, C −24 dBFS, Ls, Rs −30 dBFS → −23.0 LUFS; the LFE channel carries a loud
    // tone that BS.1770 leaves out (were it counted, the reading would be 3 LU higher).
    const levels = [-28, -28, -24, -20, -30, -30];
    const masked = await toneWav(fixtures, 'tech3341-6.wav', levels, '5.1');
    const unmasked = withoutChannelMask(masked, join(fixtures, 'tech3341-6-nomask.wav'));
    for (const path of [masked, unmasked]) {
      const asset = await process(path);
      expect(asset.input.channels).toBe(6);
      expect(Math.abs(asset.input.integratedLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
      await expectOnTarget(asset);
    }
  });

  it('stores the true peak of the original, not of the downmix (one channel at −6 dBFS)', async () => {
    // (L+R)/2 of a tone in one channel only peaks 6 dB lower than the recording does.
    const asset = await process(await toneWav(fixtures, 'left-only.wav', [-6, null], 'stereo'));
    expect(asset.input.truePeakDbtp!).toBeGreaterThanOrEqual(-6.4);
    expect(asset.input.truePeakDbtp!).toBeLessThanOrEqual(-5.8);
    // One channel of a −6 dBFS 1 kHz sine: −9 LUFS (−6 with both channels).
    expect(Math.abs(asset.input.integratedLufs! + 9)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    await expectOnTarget(asset);
  });

  it('accepts anti-phase stereo speech at −23 LUFS, measures it so and renders it audible on target', async () => {
    const path = await speechAt(fixtures, 'anti-phase.wav', -23, 'pan=stereo|c0=c0|c1=-1*c0');
    const independent = await measure(path);
    const asset = await process(path);
    expect(asset.error).toBeNull();
    expect(asset.status).toBe('ready');
    expect(Math.abs(asset.input.integratedLufs! - independent.integratedLufs)).toBeLessThanOrEqual(
      LOUDNESS_TOLERANCE_LU,
    );
    expect(Math.abs(asset.input.integratedLufs! + 23)).toBeLessThanOrEqual(0.3);
    await expectOnTarget(asset);
  });

  let whisper: { path: string; asset: AssetBody } | null = null;

  it('flags a recording too quiet to reach the target, with what it reached, in the asset and its bulletin', async () => {
    const path = await speechAt(fixtures, 'whisper.wav', -61.6, 'anull');
    const asset = await process(path);
    whisper = { path, asset };
    expect(asset.status).toBe('ready');
    expect(Math.abs(asset.input.integratedLufs! + 61.6)).toBeLessThanOrEqual(0.3);
    expect(asset.loudnessWarning).toBe('too-quiet');
    expect(asset.targetLufs).toBe(target.lufs);
    expect(asset.integratedLufs!).toBeLessThan(target.lufs - 0.5);
    // The figure shown to the operator is what the loudspeakers get.
    const mp3 = await rendition(asset);
    expect(Math.abs(mp3.integratedLufs - asset.integratedLufs!)).toBeLessThanOrEqual(0.5);
    expect(mp3.truePeakDbtp).toBeLessThanOrEqual(target.truePeak);

    const bulletin = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/bulletins`)
      .set(bearer(operator))
      .send({ title: BULLETIN_TITLE, topics: ['chinh-quyen-so'], audioId: asset.id })
      .expect(201);
    expect(bulletin.body).toMatchObject({
      audioLoudnessWarning: {
        warning: 'too-quiet',
        integratedLufs: asset.integratedLufs,
        targetLufs: target.lufs,
      },
    });
  });

  describe('in the web app', () => {
    let browser: Browser | null = null;

    afterAll(async () => {
      await browser?.close();
    });

    it('tells the operator, in Vietnamese with the real figures, to record a too quiet file again', async () => {
      expect(whisper).not.toBeNull();
      const { path, asset } = whisper!;
      buildWebApp();
      const baseUrl = await listen(app);
      browser = await launchBrowser();
      const vi = (lufs: number): string =>
        `${lufs.toFixed(1).replace(/\.0$/, '').replace('.', ',').replace('-', '−')} LUFS`;
      const warning = `Bản ghi quá nhỏ: sau chuẩn hoá chỉ đạt ${vi(asset.integratedLufs!)} (mục tiêu ${vi(target.lufs)}). Nên thu âm lại.`;

      const page = await browser.newTab('operator');
      await signIn(page, baseUrl, OPERATOR.username, OPERATOR.password);
      const nav = page.getByRole('navigation', { name: 'Chức năng' });
      // Uploading the recording (again: the same bytes give the processed asset back).
      await nav.getByRole('link', { name: 'Tạo bản tin', exact: true }).click();
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'Chọn tệp: Tệp ghi âm' }).click(),
      ]);
      // Choosing the file uploads it.
      await chooser.setFiles(path);
      await page.getByText('Âm thanh đã sẵn sàng.').waitFor({ timeout: 60_000 });
      await page.getByRole('alert').filter({ hasText: warning }).waitFor();
      await screenshot(page, '26-ban-ghi-qua-nho');

      // The bulletin made from it says so in the list the operator and the approver read.
      await nav.getByRole('link', { name: 'Bản tin', exact: true }).click();
      const row = page.getByTestId('bulletin-row').filter({ hasText: BULLETIN_TITLE });
      await row.getByText(warning).waitFor();
      await screenshot(page, '27-ban-tin-ban-ghi-qua-nho');
      expect(browser.problems).toEqual([]);
    });
  });
});
