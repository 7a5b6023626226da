import { mediaPaths } from '../src/media/media-paths';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Bulletin } from '../src/bulletins/entities/bulletin.entity';
import { AppConfig, APP_CONFIG } from '../src/config/app-config';
import {
  binaryParser,
  filesUnder,
  hotM4a,
  measure,
  mp3WithSilence,
  noiseWav,
  quietWav,
  truncatedMp3,
} from './support/media-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(120000);

const HAC_THANH = '14797';
const OTHER_COMMUNE = '14758';
const TARGET = { lufs: -16, truePeak: -1.5 };

interface AssetBody {
  id: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  durationMs: number | null;
  integratedLufs: number | null;
  truePeakDbtp: number | null;
  lra: number | null;
  loudnormPath: 'linear' | 'dynamic' | null;
  error: string | null;
  communeCode: string | null;
  provinceCode: string;
  originalName: string | null;
  input: { durationMs: number | null; integratedLufs: number | null };
  processing: { trimStartMs: number | null; trimEndMs: number | null };
  tts: { text: string; voice: string } | null;
}

function binary(response: request.Response): Buffer {
  return response.body as Buffer;
}

describe('media (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let operator: string;
  let otherOperator: string;
  let monitor: string;
  let fixtures: string;
  let mediaDir: string;

  beforeAll(async () => {
    storage = await createTestStorage({
      AUDIO_MAX_UPLOAD_BYTES: String(3 * 1024 * 1024),
      TTS_MAX_CHARS: '400',
    });
    app = await startTestApp(storage);
    mediaDir = app.app.get<AppConfig>(APP_CONFIG).mediaDir;
    admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    otherOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-khac',
      role: 'operator',
      communeCode: OTHER_COMMUNE,
    });
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: '38',
    });
    fixtures = mkdtempSync(join(tmpdir(), 'loa-xa-media-fixtures-'));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
    rmSync(fixtures, { recursive: true, force: true });
  });

  const upload = (path: string, token = operator, commune = HAC_THANH, field = 'file') =>
    app.http().post(`/api/v1/communes/${commune}/audio`).set(bearer(token)).attach(field, path);

  async function waitFinished(id: string, token = operator, timeoutMs = 45000): Promise<AssetBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await app.http().get(`/api/v1/audio/${id}`).set(bearer(token)).expect(200);
      const body = response.body as AssetBody;
      if (body.status === 'ready' || body.status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`audio ${id} still ${body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async function download(id: string, token = operator): Promise<string> {
    const response = await app
      .http()
      .get(`/api/v1/audio/${id}/content`)
      .set(bearer(token))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(response.headers['content-type']).toBe('audio/mpeg');
    const path = join(fixtures, `rendition-${id}.mp3`);
    writeFileSync(path, binary(response));
    return path;
  }

  /** The rendition meets the broadcast target, measured independently, and the service says so. */
  async function expectOnTarget(asset: AssetBody): Promise<void> {
    expect(asset.status).toBe('ready');
    const measured = await measure(await download(asset.id));
    expect(Math.abs(measured.integratedLufs - TARGET.lufs)).toBeLessThanOrEqual(0.5);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(TARGET.truePeak);
    expect(Math.abs(asset.integratedLufs! - measured.integratedLufs)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(asset.truePeakDbtp! - measured.truePeakDbtp)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(asset.durationMs! / 1000 - measured.durationS)).toBeLessThan(0.1);
    expect(asset.progress).toBe(100);
    expect(asset.loudnormPath).toMatch(/^(linear|dynamic)$/);
  }

  describe('bad input leaves nothing behind', () => {
    const cases: [string, () => string | Promise<string>, number, RegExp][] = [
      [
        'a text file named .mp3',
        () => {
          const path = join(fixtures, 'ban-tin.mp3');
          writeFileSync(path, 'Đây không phải là tệp âm thanh, chỉ là chữ.\n'.repeat(40));
          return path;
        },
        415,
        /not audio/,
      ],
      [
        'an empty file',
        () => {
          const path = join(fixtures, 'rong.wav');
          writeFileSync(path, '');
          return path;
        },
        422,
        /empty/,
      ],
      ['a truncated MP3', () => truncatedMp3(fixtures), 422, /truncated/],
      [
        'a file over the size limit',
        () => noiseWav(fixtures, 'lon.wav', 20),
        413,
        /larger than the upload limit of 3 MB/,
      ],
    ];

    it.each(cases)(
      '%s gets a clear 4xx naming the reason',
      async (_name, make, status, message) => {
        const path = await make();
        const before = filesUnder(mediaDir);
        const response = await upload(path).expect(status);
        expect(response.body).toMatchObject({
          statusCode: status,
          message: expect.stringMatching(message),
        });
        expect(filesUnder(mediaDir)).toEqual(before);
        const list = await app
          .http()
          .get(`/api/v1/communes/${HAC_THANH}/audio`)
          .set(bearer(operator))
          .expect(200);
        expect(list.body).toEqual([]);
      },
    );

    it('a missing or misnamed field, or no multipart body, gets 4xx', async () => {
      const path = await noiseWav(fixtures, 'nho.wav', 1);
      const wrongField = await upload(path, operator, HAC_THANH, 'audio').expect(400);
      expect(wrongField.body.message).toBe(
        'Unexpected file field "audio": send the recording in the multipart field "file"',
      );
      const noFile = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/audio`)
        .set(bearer(operator))
        .field('title', 'Bản tin')
        .expect(400);
      expect(noFile.body.message).toMatch(/multipart field "file"/);
      const json = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/audio`)
        .set(bearer(operator))
        .send({ file: 'x' })
        .expect(415);
      expect(json.body.code).toBe('UNSUPPORTED_MEDIA');
      expect(filesUnder(mediaDir)).toEqual([]);
    });

    it('nobody uploads to a commune they cannot write', async () => {
      const path = await noiseWav(fixtures, 'nho2.wav', 0.05);
      await upload(path, otherOperator).expect(403);
      await upload(path, monitor).expect(403);
      expect(filesUnder(mediaDir)).toEqual([]);
    });
  });

  it('brings a quiet WAV (−33 LUFS) up to the target, under the true-peak limit', async () => {
    const path = await quietWav(fixtures);
    const source = await measure(path);
    expect(source.integratedLufs).toBeCloseTo(-33, 0);
    const created = await upload(path).expect(202);
    expect(created.body).toMatchObject({
      status: 'queued',
      communeCode: HAC_THANH,
      originalName: 'quiet.wav',
    });
    await expectOnTarget(await waitFinished((created.body as AssetBody).id));
  });

  it('brings a hot AAC/M4A (−6 LUFS) down to the target', async () => {
    const path = await hotM4a(fixtures);
    expect((await measure(path)).integratedLufs).toBeCloseTo(-6, 0);
    const created = await upload(path).expect(202);
    const asset = await waitFinished((created.body as AssetBody).id);
    await expectOnTarget(asset);
    expect(asset.input.integratedLufs).toBeGreaterThan(-10);
  });

  it('trims the silence around speech in an MP3', async () => {
    const { path, speechS } = await mp3WithSilence(fixtures);
    const created = await upload(path).expect(202);
    const asset = await waitFinished((created.body as AssetBody).id);
    await expectOnTarget(asset);
    const kept = asset.durationMs! / 1000;
    expect(asset.input.durationMs! / 1000).toBeGreaterThan(speechS + 5.5);
    expect(kept).toBeGreaterThan(speechS - 0.3);
    expect(kept).toBeLessThan(speechS + 1.2);
    expect(asset.processing.trimStartMs).toBeGreaterThan(2000);
  });

  it('returns the existing asset (200) for the same bytes again', async () => {
    const path = join(fixtures, 'quiet.wav');
    const list = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/audio`)
      .set(bearer(operator))
      .expect(200);
    const again = await upload(path).expect(200);
    expect((list.body as AssetBody[]).map((asset) => asset.id)).toContain(
      (again.body as AssetBody).id,
    );
  });

  it('synthesizes Vietnamese speech, reading dates and times, and normalizes it', async () => {
    const created = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio/tts`)
      .set(bearer(operator))
      .send({
        text: 'Ngày 10/10 là Ngày Chuyển đổi số quốc gia. Loa phát lúc 05:30 sáng.',
        voice: 'Trung',
      })
      .expect(202);
    const asset = await waitFinished((created.body as AssetBody).id);
    expect(asset.tts).toEqual({
      text: 'Ngày 10/10 là Ngày Chuyển đổi số quốc gia. Loa phát lúc 05:30 sáng.',
      voice: 'vi-vn-x-central',
    });
    await expectOnTarget(asset);
  });

  it('refuses text that is too long or a voice that does not exist', async () => {
    const tooLong = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio/tts`)
      .set(bearer(operator))
      .send({ text: 'Chuyển đổi số. '.repeat(40) })
      .expect(422);
    expect(tooLong.body).toMatchObject({ code: 'TTS_TEXT_TOO_LONG', maxChars: 400 });
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio/tts`)
      .set(bearer(operator))
      .send({ text: 'Xin chào', voice: 'en-us' })
      .expect(400);
    // null is no voice at all: a 400 naming the field, not a crash in resolveVoice.
    const nullVoice = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio/tts`)
      .set(bearer(operator))
      .send({ text: 'Xin chào', voice: null })
      .expect(400);
    expect(nullVoice.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'voice may be left out, but not null',
    });
    await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/audio/tts`)
      .set(bearer(operator))
      .send({ text: '   ' })
      .expect(400);
  });

  it('serves byte ranges of the rendition', async () => {
    const list = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/audio?status=ready`)
      .set(bearer(operator))
      .expect(200);
    const id = (list.body as AssetBody[])[0].id;
    const range = await app
      .http()
      .get(`/api/v1/audio/${id}/content`)
      .set(bearer(operator))
      .set('Range', 'bytes=0-99')
      .buffer(true)
      .parse(binaryParser)
      .expect(206);
    expect(range.headers['content-type']).toBe('audio/mpeg');
    expect(range.headers['content-range']).toMatch(/^bytes 0-99\/\d+$/);
    expect(binary(range)).toHaveLength(100);
    await app
      .http()
      .get(`/api/v1/audio/${id}/content`)
      .set(bearer(operator))
      .set('Range', 'bytes=99999999-')
      .expect(416);
  });

  it('lets the commune and its province monitor read, nobody else', async () => {
    const list = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/audio`)
      .set(bearer(operator))
      .expect(200);
    const id = (list.body as AssetBody[])[0].id;
    await app.http().get(`/api/v1/audio/${id}`).set(bearer(monitor)).expect(200);
    await app.http().get(`/api/v1/audio/${id}/content`).set(bearer(monitor)).expect(200);
    await app.http().get(`/api/v1/audio/${id}`).set(bearer(otherOperator)).expect(403);
    await app.http().get(`/api/v1/audio/${id}/content`).set(bearer(otherOperator)).expect(403);
    await app.http().delete(`/api/v1/audio/${id}`).set(bearer(monitor)).expect(403);
    await app.http().get('/api/v1/audio/not-a-uuid').set(bearer(operator)).expect(400);
    await app
      .http()
      .get('/api/v1/audio/00000000-0000-4000-8000-000000000000')
      .set(bearer(operator))
      .expect(404);
  });

  it('keeps a province library that the monitor fills and every commune of the province reads', async () => {
    const path = await noiseWav(fixtures, 'thu-vien.wav', 2);
    // A tiny body: the guard answers before the body is read, and a client still sending a large
    // one may see the connection close instead of the 403.
    const tiny = await noiseWav(fixtures, 'thu-vien-nho.wav', 0.05);
    await app
      .http()
      .post('/api/v1/provinces/38/audio')
      .set(bearer(operator))
      .attach('file', tiny)
      .expect(403);
    const created = await app
      .http()
      .post('/api/v1/provinces/38/audio')
      .set(bearer(monitor))
      .attach('file', path)
      .expect(202);
    const asset = created.body as AssetBody;
    expect(asset).toMatchObject({ communeCode: null, provinceCode: '38' });
    const library = await app
      .http()
      .get('/api/v1/provinces/38/audio')
      .set(bearer(otherOperator))
      .expect(200);
    expect((library.body as AssetBody[]).map((a) => a.id)).toEqual([asset.id]);
    await app.http().get(`/api/v1/audio/${asset.id}`).set(bearer(operator)).expect(200);
    await app.http().delete(`/api/v1/audio/${asset.id}`).set(bearer(operator)).expect(403);
    await waitFinished(asset.id, monitor);
  });

  it('deletes an unused asset with its files, refuses one a bulletin uses (409)', async () => {
    const path = await noiseWav(fixtures, 'xoa.wav', 2);
    const created = await upload(path).expect(202);
    const id = (created.body as AssetBody).id;
    await waitFinished(id);
    const before = filesUnder(mediaDir);
    expect(before).toContain(join('renditions', `${id}.mp3`));

    const dataSource = app.app.get(DataSource);
    const bulletinId = '11111111-1111-4111-8111-111111111111';
    const now = new Date();
    await dataSource.getRepository(Bulletin).insert({
      id: bulletinId,
      ownerCode: HAC_THANH,
      communeCode: HAC_THANH,
      provinceCode: '38',
      title: 'Bản tin chuyển đổi số',
      body: null,
      audioId: id,
      priority: 'normal',
      status: 'draft',
      approvedBy: null,
      approvedAt: null,
      createdBy: null,
      createdAt: now,
      updatedAt: now,
      demo: false,
    });
    const used = await app.http().delete(`/api/v1/audio/${id}`).set(bearer(operator)).expect(409);
    expect(used.body.code).toBe('AUDIO_IN_USE');

    await dataSource.getRepository(Bulletin).delete({ id: bulletinId });
    await app.http().delete(`/api/v1/audio/${id}`).set(bearer(operator)).expect(204);
    await app.http().get(`/api/v1/audio/${id}`).set(bearer(operator)).expect(404);
    const after = filesUnder(mediaDir);
    // Other tests' jobs may add or clean files meanwhile: judge this asset's own two files.
    const own = [
      join('renditions', `${id}.mp3`),
      relative(
        mediaDir,
        mediaPaths.original(mediaDir, (created.body as { sha256: string }).sha256),
      ),
    ];
    for (const file of own) {
      expect(before).toContain(file);
      expect(after).not.toContain(file);
    }
  });

  describe('queue dashboard', () => {
    it('is for admins only', async () => {
      await app.http().get('/api/v1/admin/queues/api/queues').expect(401);
      await app.http().get('/api/v1/admin/queues/api/queues').set(bearer(operator)).expect(403);
      await app.http().get('/api/v1/admin/queues').set(bearer(monitor)).expect(403);
      const queues = await app
        .http()
        .get('/api/v1/admin/queues/api/queues')
        .set(bearer(admin))
        .expect(200);
      expect(JSON.stringify(queues.body)).toContain('audio');
    });

    it('opens in a browser through a cookie scoped to the dashboard', async () => {
      await app.http().post('/api/v1/admin/queue-session').set(bearer(operator)).expect(403);
      const session = await app
        .http()
        .post('/api/v1/admin/queue-session')
        .set(bearer(admin))
        .expect(204);
      const cookie = String(session.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/api\/v1\/admin\/queues/);
      const pair = cookie.split(';')[0];
      const page = await app.http().get('/api/v1/admin/queues').set('Cookie', pair).expect(200);
      expect(page.text).toContain('<html');
      await app
        .http()
        .get('/api/v1/admin/queues')
        .set('Cookie', 'loa_xa_queues=forged')
        .expect(401);
    });
  });
});
