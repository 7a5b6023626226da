import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DRAIN_LIMIT_BYTES } from '../src/common/problem.filter';
import { AppConfig, APP_CONFIG } from '../src/config/app-config';
import { AudioPipeline } from '../src/media/audio-pipeline';
import { mediaPaths } from '../src/media/media-paths';
import { MediaStorage } from '../src/media/media-storage';
import { analysisLimits } from '../src/media/work-budget';
import {
  m4aWithExternalReference,
  mp3LyingAboutDuration,
  textAttacks,
  toneM4a,
} from './support/media-attacks';
import {
  durationOf,
  ffmpeg,
  filesUnder,
  LETTER_SENTENCES,
  noiseWav,
  speech,
} from './support/media-fixtures';
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

const run = promisify(execFile);

const HAC_THANH = '14797';
const OTHER_COMMUNE = '14758';
/** A commune of another province, whose storage quota the tests fill. */
const QUOTA_COMMUNE = '00004';
const MAX_DURATION_S = 120;
const QUOTA_BYTES = 4 * 1024 * 1024;
const UPLOAD_LIMIT = 3 * 1024 * 1024;

interface AssetBody {
  id: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  error: string | null;
}

interface ProblemBody {
  statusCode: number;
  code?: string;
  message: string;
}

function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((sum, name) => {
    try {
      return sum + statSync(join(dir, name)).size;
    } catch {
      return sum;
    }
  }, 0);
}

/** Seconds of audio ffmpeg decodes from `path` with the given input options (a test's own run). */
async function decodedSeconds(inputOptions: string[], path: string): Promise<number> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'quiet',
      ...inputOptions,
      '-i',
      path,
      '-f',
      'null',
      '-progress',
      'pipe:1',
      '-',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const times = [...stdout.matchAll(/out_time_us=(\d+)/g)].map((match) => Number(match[1]));
  return times.length > 0 ? times[times.length - 1] / 1e6 : 0;
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

interface ChunkedOutcome {
  status: number;
  body: ProblemBody;
  /** Bytes of the body the client had written when the answer's head arrived. */
  sentAtAnswer: number;
  /** The connection was closed within 3 s of the answer while the client went on sending. */
  closedByServer: boolean;
  headers: http.IncomingHttpHeaders;
}

/**
 * Streams a chunked multipart upload of up to `offered` random bytes, 64 KiB every 2 ms, and
 * goes on sending after the answer: resolves with the answer once the connection is closed, and
 * fails if it closes with no answer. Past `busyAfterBytes` the client blocks its event loop for
 * `busyMs` after each chunk, as a client on a loaded machine does.
 */
function chunkedUpload(
  port: number,
  path: string,
  token: string,
  options: { offered: number; busyAfterBytes?: number; busyMs?: number },
): Promise<ChunkedOutcome> {
  const chunk = randomBytes(64 * 1024);
  return new Promise<ChunkedOutcome>((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'multipart/form-data; boundary=loa',
        'Transfer-Encoding': 'chunked',
      },
    });
    let sent = 0;
    let closed = false;
    let answered = false;
    request.on('close', () => {
      closed = true;
      if (!answered) {
        clearInterval(pace);
        reject(new Error(`the connection closed with no answer after ${sent} bytes sent`));
      }
    });
    request.on('error', () => undefined);
    request.write(
      '--loa\r\nContent-Disposition: form-data; name="file"; filename="lon.wav"\r\nContent-Type: audio/wav\r\n\r\n',
    );
    const pace = setInterval(() => {
      if (closed || sent >= options.offered) {
        clearInterval(pace);
        if (!closed) request.end();
        return;
      }
      sent += chunk.length;
      request.write(chunk);
      if (options.busyMs && sent > (options.busyAfterBytes ?? 0)) {
        const until = Date.now() + options.busyMs;
        while (Date.now() < until) {
          // Busy: the event loop reads nothing meanwhile.
        }
      }
    }, 2);
    request.on('response', (response) => {
      answered = true;
      const sentAtAnswer = sent;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        // The client goes on sending; the server must hang up by itself.
        void eventually(() => closed, 3000).then(() => {
          clearInterval(pace);
          request.destroy();
          try {
            resolve({
              status: response.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(parts).toString()) as ProblemBody,
              sentAtAnswer,
              closedByServer: closed,
              headers: response.headers,
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
    });
  });
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Sends the head of an upload that declares `declaredBytes` and a few bytes of it, never the
 * rest; resolves with what the server answered once it closed the connection.
 */
function declaredUpload(
  port: number,
  path: string,
  token: string,
  declaredBytes: number,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer in 10 s: ${Buffer.concat(chunks).toString()}`));
    }, 10000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
    socket.on('error', reject);
    socket.write(
      [
        `POST ${path} HTTP/1.1`,
        'Host: 127.0.0.1',
        `Authorization: Bearer ${token}`,
        'Content-Type: multipart/form-data; boundary=loa',
        `Content-Length: ${declaredBytes}`,
        '',
        '--loa\r\nContent-Disposition: form-data; name="file"; filename="lon.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF',
      ].join('\r\n'),
    );
  });
}

describe('security: media uploads (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let mediaDir: string;
  let operator: string;
  let otherOperator: string;
  let quotaOperator: string;
  let fixtures: string;
  /** The other commune's processed recording: its rendition and its original (an M4A). */
  let victim: { id: string; rendition: string; original: string; source: string };

  beforeAll(async () => {
    storage = await createTestStorage({
      AUDIO_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT),
      MEDIA_MAX_DURATION_SECONDS: String(MAX_DURATION_S),
      MEDIA_COMMUNE_QUOTA_BYTES: String(QUOTA_BYTES),
    });
    app = await startTestApp(storage);
    mediaDir = app.app.get<AppConfig>(APP_CONFIG).mediaDir;
    const admin = await app.login(ADMIN.username, ADMIN.password);
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: HAC_THANH,
    });
    otherOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-xa-ben',
      role: 'operator',
      communeCode: OTHER_COMMUNE,
    });
    quotaOperator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-ba-dinh',
      role: 'operator',
      communeCode: QUOTA_COMMUNE,
    });
    fixtures = mkdtempSync(join(tmpdir(), 'loa-xa-security-media-'));

    const source = await toneM4a(fixtures, 'ban-tin-xa-ben.m4a', 4);
    const response = await app
      .http()
      .post(`/api/v1/communes/${OTHER_COMMUNE}/audio`)
      .set(bearer(otherOperator))
      .attach('file', source)
      .expect(202);
    const id = (response.body as AssetBody).id;
    expect((await waitFinished(id, otherOperator)).status).toBe('ready');
    const sha256 = filesUnder(join(mediaDir, 'originals'))[0].split('/')[1];
    victim = {
      id,
      source,
      rendition: mediaPaths.rendition(mediaDir, id),
      original: mediaPaths.original(mediaDir, sha256),
    };
    expect(readFileSync(victim.original)).toEqual(readFileSync(source));
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
    if (fixtures) rmSync(fixtures, { recursive: true, force: true });
  });

  async function waitFinished(id: string, token: string, timeoutMs = 60000): Promise<AssetBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await app.http().get(`/api/v1/audio/${id}`).set(bearer(token)).expect(200);
      const body = response.body as AssetBody;
      if (body.status === 'ready' || body.status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`audio ${id} still ${body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /** Processing runs of earlier tests have removed their work files (they do so after `ready`). */
  async function quiet(): Promise<void> {
    await eventually(() => filesUnder(join(mediaDir, 'work')).length === 0, 10000);
  }

  async function assetCount(commune: string, token: string): Promise<number> {
    const response = await app
      .http()
      .get(`/api/v1/communes/${commune}/audio`)
      .set(bearer(token))
      .expect(200);
    return (response.body as AssetBody[]).length;
  }

  /** Uploads, expects a refusal with a code, and checks that no row and no file was left. */
  async function expectRefused(
    upload: () => Promise<{ status: number; body: unknown }>,
    statuses: number[],
    codes: string[],
    commune = HAC_THANH,
    token = operator,
  ): Promise<ProblemBody> {
    await quiet();
    const filesBefore = filesUnder(mediaDir);
    const rowsBefore = await assetCount(commune, token);
    const response = await upload();
    const body = response.body as ProblemBody;
    const seen = { status: response.status, code: body.code };
    expect([seen]).toContainEqual({
      status: statuses.includes(seen.status) ? seen.status : statuses.join('|'),
      code: codes.includes(seen.code ?? '') ? seen.code : codes.join('|'),
    });
    expect(body.statusCode).toBe(response.status);
    await eventually(() => filesUnder(mediaDir).join() === filesBefore.join());
    expect(filesUnder(mediaDir)).toEqual(filesBefore);
    expect(await assetCount(commune, token)).toBe(rowsBefore);
    return body;
  }

  const uploadBuffer = (
    content: Buffer,
    filename: string,
    contentType: string,
    commune = HAC_THANH,
    token = operator,
  ) =>
    app
      .http()
      .post(`/api/v1/communes/${commune}/audio`)
      .set(bearer(token))
      .attach('file', content, { filename, contentType });

  describe('no upload reads another file through ffprobe or ffmpeg', () => {
    const refusedCodes = ['UNSUPPORTED_MEDIA', 'AUDIO_INVALID'];

    it('the playlists and scripts are what ffmpeg would follow if it chose the demuxer', async () => {
      // Proof that the payloads are real attacks: ffmpeg left to its own detection plays the
      // other commune's rendition through each playlist.
      const dir = join(fixtures, 'plain-ffmpeg');
      mkdirSync(dir, { recursive: true });
      const [hls] = textAttacks(victim.rendition, victim.rendition);
      const path = join(dir, 'ban-tin.mp3');
      writeFileSync(path, hls.content);
      expect(await decodedSeconds([], path)).toBeGreaterThan(3);
      // And with the options the service gives every input, nothing is read.
      expect(
        await decodedSeconds(
          ['-protocol_whitelist', 'file', '-format_whitelist', 'mp3', '-f', 'mp3'],
          `file:${path}`,
        ),
      ).toBe(0);
    });

    it.each([
      ['.mp3', 'audio/mpeg'],
      ['.wav', 'audio/wav'],
      ['.m4a', 'audio/mp4'],
    ])(
      'refuses each playlist, script and description named %s (%s), and keeps nothing',
      async (extension, type) => {
        for (const attack of textAttacks(victim.rendition, victim.original)) {
          const body = await expectRefused(
            () => uploadBuffer(attack.content, `ban-tin${extension}`, type),
            [415, 422],
            refusedCodes,
          ).catch((error: Error) => {
            throw new Error(`${attack.name}: ${error.message}`);
          });
          expect(body.message).not.toContain(mediaDir);
        }
      },
    );

    it("refuses an MP4 whose samples live in another commune's original (external data reference)", async () => {
      const evil = m4aWithExternalReference(
        victim.source,
        victim.original,
        join(fixtures, 'tham-chieu.m4a'),
      );
      // A demuxer that follows the reference plays the other commune's recording, all of it.
      expect(
        await decodedSeconds(['-enable_drefs', '1', '-use_absolute_path', '1'], evil),
      ).toBeGreaterThan(3.9);
      await expectRefused(
        () => uploadBuffer(readFileSync(evil), 'ban-tin.m4a', 'audio/mp4'),
        [415, 422],
        refusedCodes,
      );
    });

    it('still accepts real WAV, MP3, Ogg, M4A and FLAC recordings', async () => {
      const wav = await speech(fixtures, 'loi-noi.wav', LETTER_SENTENCES[0]);
      const encodings: [string, string[]][] = [
        ['loi-noi.mp3', ['-c:a', 'libmp3lame', '-b:a', '96k']],
        ['loi-noi.ogg', ['-c:a', 'libvorbis', '-q:a', '3']],
        ['loi-noi.m4a', ['-c:a', 'aac', '-b:a', '96k']],
        ['loi-noi.flac', ['-c:a', 'flac']],
      ];
      const paths = [wav];
      for (const [name, codec] of encodings) {
        await ffmpeg(['-i', wav, ...codec, join(fixtures, name)]);
        paths.push(join(fixtures, name));
      }
      const ids: string[] = [];
      for (const path of paths) {
        const response = await app
          .http()
          .post(`/api/v1/communes/${HAC_THANH}/audio`)
          .set(bearer(operator))
          .attach('file', path);
        expect({ path, status: response.status }).toEqual({ path, status: 202 });
        ids.push((response.body as AssetBody).id);
      }
      for (const id of ids) {
        const finished = await waitFinished(id, operator);
        expect({ id, status: finished.status, error: finished.error }).toEqual({
          id,
          status: 'ready',
          error: null,
        });
      }
    });
  });

  describe('recordings that decode to hours', () => {
    it('refuses a small Ogg whose probe says it is longer than the maximum, before decoding', async () => {
      const path = join(fixtures, 'im-lang.ogg');
      await ffmpeg([
        '-f',
        'lavfi',
        '-i',
        'anullsrc=r=8000:cl=mono',
        '-t',
        '1200',
        '-c:a',
        'libvorbis',
        '-q:a',
        '-1',
        path,
      ]);
      expect(statSync(path).size).toBeLessThan(UPLOAD_LIMIT);
      const started = Date.now();
      const body = await expectRefused(
        () =>
          app
            .http()
            .post(`/api/v1/communes/${HAC_THANH}/audio`)
            .set(bearer(operator))
            .attach('file', path),
        [422],
        ['AUDIO_TOO_LONG'],
      );
      expect(body.message).toBe('The recording is 20 min long; at most 2 min is accepted');
      // Decoding 20 minutes would take far longer than a probe.
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses a file whose header claims less than it holds, from a decode cut just past the maximum', async () => {
      const path = await mp3LyingAboutDuration(fixtures, 300);
      expect(await durationOf(path)).toBeLessThan(31);
      const body = await expectRefused(
        () =>
          app
            .http()
            .post(`/api/v1/communes/${HAC_THANH}/audio`)
            .set(bearer(operator))
            .attach('file', path),
        [422],
        ['AUDIO_TOO_LONG'],
      );
      expect(body.message).toMatch(/decodes to more than 2 min/);
    });

    it('cuts the pass over a lying original at its accepted length: the work files stay within the bound', async () => {
      const path = await mp3LyingAboutDuration(fixtures, 300);
      const declaredS = await durationOf(path);
      const shape = { durationS: declaredS, channels: 1, sampleRate: 44100 };
      const bound = analysisLimits(shape, MAX_DURATION_S);
      // Uncut, the analysed audio of 300 s would be far past the bound.
      expect(300 * 44100 * 4).toBeGreaterThan(bound.maxBytes * 5);

      const workDir = await app.app.get(MediaStorage).freshWorkDir('lying-header');
      let largest = 0;
      const watch = setInterval(() => {
        largest = Math.max(largest, bytesUnder(workDir));
      }, 10);
      try {
        await expect(
          app.app.get(AudioPipeline).process({
            originalPath: path,
            demuxer: 'mp3',
            ...shape,
            workDir,
            outputPath: join(workDir, 'rendition.mp3'),
          }),
        ).rejects.toThrow(/decodes to more than/);
      } finally {
        clearInterval(watch);
      }
      largest = Math.max(largest, bytesUnder(workDir));
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThanOrEqual(bound.maxBytes);
      const analysed = join(workDir, 'analysed.wav');
      expect(await durationOf(analysed)).toBeLessThanOrEqual(bound.maxSeconds + 0.05);
      rmSync(workDir, { recursive: true, force: true });
    });

    it("refuses an upload past the commune's storage quota at once, keeping nothing", async () => {
      const first = await noiseWav(fixtures, 'on-1.wav', 14);
      const accepted = await app
        .http()
        .post(`/api/v1/communes/${QUOTA_COMMUNE}/audio`)
        .set(bearer(quotaOperator))
        .attach('file', first)
        .expect(202);
      expect((await waitFinished((accepted.body as AssetBody).id, quotaOperator)).status).toBe(
        'ready',
      );
      const second = await noiseWav(fixtures, 'on-2.wav', 12);
      expect(statSync(first).size + statSync(second).size).toBeGreaterThan(QUOTA_BYTES);
      const body = await expectRefused(
        () =>
          app
            .http()
            .post(`/api/v1/communes/${QUOTA_COMMUNE}/audio`)
            .set(bearer(quotaOperator))
            .attach('file', second),
        [507],
        ['MEDIA_QUOTA_EXCEEDED'],
        QUOTA_COMMUNE,
        quotaOperator,
      );
      expect(body.message).toMatch(/storage of 00004 is full/);
      // Other communes are not held back by it.
      const small = await noiseWav(fixtures, 'on-3.wav', 1);
      const other = await app
        .http()
        .post(`/api/v1/communes/${OTHER_COMMUNE}/audio`)
        .set(bearer(otherOperator))
        .attach('file', small)
        .expect(202);
      expect((await waitFinished((other.body as AssetBody).id, otherOperator)).status).toBe(
        'ready',
      );
    });
  });

  describe('upload bodies past the limit', () => {
    let port: number;

    beforeAll(async () => {
      if (!app.server.listening)
        await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      port = (app.server.address() as AddressInfo).port;
    });

    it('answers 413 at once to a declared 2 GiB body, without reading it, and closes the connection', async () => {
      await quiet();
      const before = filesUnder(mediaDir);
      const started = Date.now();
      const raw = await declaredUpload(
        port,
        `/api/v1/communes/${HAC_THANH}/audio`,
        operator,
        2 * 1024 ** 3,
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(raw).toMatch(/^HTTP\/1\.1 413 /);
      expect(raw).toMatch(/\r\nconnection: close\r\n/i);
      const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as ProblemBody;
      expect(body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
      await eventually(() => filesUnder(mediaDir).join() === before.join());
      expect(filesUnder(mediaDir)).toEqual(before);
    });

    it('cuts off a chunked body that passes the limit while it streams, and closes the connection', async () => {
      await quiet();
      const before = filesUnder(mediaDir);
      // 256 MiB offered at about 32 MB/s: 8 s to send it all.
      const offered = 256 * 1024 * 1024;
      const outcome = await chunkedUpload(port, `/api/v1/communes/${HAC_THANH}/audio`, operator, {
        offered,
      });
      expect(outcome.status).toBe(413);
      expect(outcome.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(outcome.headers.connection).toBe('close');
      expect(outcome.closedByServer).toBe(true);
      expect(outcome.sentAtAnswer).toBeGreaterThan(UPLOAD_LIMIT);
      expect(outcome.sentAtAnswer).toBeLessThan(offered / 2);
      await eventually(() => filesUnder(mediaDir).join() === before.join());
      expect(filesUnder(mediaDir)).toEqual(before);
    });

    it('still answers 413 to a client too busy to read at once: the close does not reset the connection under it', async () => {
      await quiet();
      const before = filesUnder(mediaDir);
      // Past the limit and the bytes the service drains, the client spends 15 ms of every 64 KiB
      // it sends on other work, as a loaded machine would: the answer and the close reach it
      // while it is busy, and its next write comes before it reads them.
      for (let round = 0; round < 4; round += 1) {
        const outcome = await chunkedUpload(port, `/api/v1/communes/${HAC_THANH}/audio`, operator, {
          offered: 64 * 1024 * 1024,
          busyAfterBytes: UPLOAD_LIMIT + DRAIN_LIMIT_BYTES,
          busyMs: 15,
        });
        expect(outcome.status).toBe(413);
        expect(outcome.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
        expect(outcome.closedByServer).toBe(true);
      }
      await eventually(() => filesUnder(mediaDir).join() === before.join());
      expect(filesUnder(mediaDir)).toEqual(before);
    });
  });
  describe('against the built service started for production', () => {
    let service: ServiceProcess | undefined;
    let base: string;
    let port: number;
    let adminToken: string;

    beforeAll(async () => {
      port = await freePort();
      base = `http://127.0.0.1:${port}`;
      service = startServiceProcess({
        ...storage.env,
        NODE_ENV: 'production',
        PORT: String(port),
        APP_ROLES: 'api',
      });
      await service.waitFor(/listening on/, 60000);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }),
      });
      adminToken = ((await login.json()) as { accessToken: string }).accessToken;
    });

    afterAll(async () => {
      await service?.stop();
    });

    it("refuses an HLS playlist naming another commune's rendition, and a declared 2 GiB body at once", async () => {
      await quiet();
      const before = filesUnder(mediaDir);
      const [hls] = textAttacks(victim.rendition, victim.original);
      const form = new FormData();
      form.append('file', new Blob([hls.content], { type: 'audio/mpeg' }), 'ban-tin.mp3');
      const response = await fetch(`${base}/api/v1/communes/${HAC_THANH}/audio`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}` },
        body: form,
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA' });

      const started = Date.now();
      const raw = await declaredUpload(
        port,
        `/api/v1/communes/${HAC_THANH}/audio`,
        adminToken,
        2 * 1024 ** 3,
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(raw).toMatch(/^HTTP\/1\.1 413 /);
      expect(raw).toContain('"code":"PAYLOAD_TOO_LARGE"');
      await eventually(() => filesUnder(mediaDir).join() === before.join());
      expect(filesUnder(mediaDir)).toEqual(before);
    });
  });
});
