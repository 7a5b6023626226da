import { execFileSync } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pullSource } from '../src/sources/source-pull';
import { resolverLookup } from '../src/sources/source-urls';
import { TestDnsServer } from './support/dns-server';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

jest.setTimeout(120000);

const PROVINCE = '38';

interface CheckBody {
  urls: { url: string; reachable: boolean; codec: string | null; error: string | null }[];
}

/** A real HTTP server on one loopback address: `routes` by path, every request noted. */
async function startHttp(
  host: string,
  routes: Record<string, (response: ServerResponse, port: number) => void>,
): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(request.url ?? '');
    const route = routes[(request.url ?? '').split('?')[0]];
    if (route) route(response, (server.address() as AddressInfo).port);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

/** 12 s of a 440 Hz tone as MP3 bytes. */
function toneMp3(): Buffer {
  return execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', 'sine=frequency=440:duration=12', '-ac', '1', '-b:a', '64k', '-f', 'mp3', '-'],
  ]);
}

/**
 * The network safety of source URLs, with a real DNS server (a tiny UDP one, the service's
 * resolver pointed at it by SOURCES_DNS_SERVERS) and real HTTP servers: a name that resolved to a
 * public address when it was saved and to an internal one when it is checked or played
 * (DNS rebinding), a stream answering 302 to an internal address, an HLS playlist whose segment
 * is internal. The "internal service" on 127.0.0.2 must never receive a request; 127.0.0.1 (the
 * test's streams) is on SOURCES_ALLOWED_HOSTS.
 */
describe('source URLs: DNS pinned, redirects and HLS segments checked (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let dns: TestDnsServer;
  let streams: Awaited<ReturnType<typeof startHttp>>;
  let internal: Awaited<ReturnType<typeof startHttp>>;
  const mp3 = toneMp3();

  beforeAll(async () => {
    dns = await TestDnsServer.start();
    internal = await startHttp('127.0.0.2', {
      '/secret': (response) => response.writeHead(200, { 'Content-Type': 'audio/mpeg' }).end(mp3),
    });
    const secret = `http://127.0.0.2:${internal.port}/secret`;
    const third = Math.floor(mp3.length / 3);
    streams = await startHttp('127.0.0.1', {
      '/tone.mp3': (response) => response.writeHead(200, { 'Content-Type': 'audio/mpeg' }).end(mp3),
      '/moved': (response, port) =>
        response.writeHead(302, { Location: `http://127.0.0.1:${port}/tone.mp3` }).end(),
      '/to-internal': (response) => response.writeHead(302, { Location: secret }).end(),
      '/to-metadata': (response) =>
        response.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' }).end(),
      '/live.m3u8': (response) =>
        response
          .writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' })
          .end(
            '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n' +
              '#EXTINF:4,\nseg-0.mp3\n#EXTINF:4,\nseg-1.mp3\n#EXTINF:4,\nseg-2.mp3\n#EXT-X-ENDLIST\n',
          ),
      '/seg-0.mp3': (response) => response.writeHead(200).end(mp3.subarray(0, third)),
      '/seg-1.mp3': (response) => response.writeHead(200).end(mp3.subarray(third, 2 * third)),
      '/seg-2.mp3': (response) => response.writeHead(200).end(mp3.subarray(2 * third)),
      '/sneaky.m3u8': (response) =>
        response
          .writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' })
          .end(
            `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg-0.mp3\n#EXTINF:4,\n${secret}\n#EXT-X-ENDLIST\n`,
          ),
    });
    dns.answers.set('radio.test', '203.0.113.10');
    storage = await createTestStorage();
    app = await startTestApp(storage, {
      SOURCES_ALLOWED_HOSTS: '127.0.0.1',
      SOURCES_DNS_SERVERS: dns.server,
      SOURCES_CHECK_TIMEOUT_MS: '30000',
    });
    admin = await app.login(ADMIN.username, ADMIN.password);
  });

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
    streams?.server.close();
    internal?.server.close();
    await dns?.close();
  });

  async function saveAndCheck(urls: string[]): Promise<CheckBody['urls']> {
    const created = await app
      .http()
      .post(`/api/v1/provinces/${PROVINCE}/sources`)
      .set(bearer(admin))
      .send({ name: `Nguồn ${Math.random().toString(36).slice(2, 8)}`, urls })
      .expect(201);
    const id = (created.body as { id: string }).id;
    return check(id);
  }

  async function check(id: string): Promise<CheckBody['urls']> {
    const checked = await app
      .http()
      .post(`/api/v1/provinces/${PROVINCE}/sources/${id}/check`)
      .set(bearer(admin))
      .expect((response) => expect(response.status).toBeLessThan(300));
    return (checked.body as CheckBody).urls;
  }

  it('checks a stream through a redirect it may follow, and an HLS playlist segment by segment', async () => {
    const base = `http://127.0.0.1:${streams.port}`;
    const [moved, live] = await saveAndCheck([`${base}/moved`, `${base}/live.m3u8`]);
    expect(moved).toMatchObject({ reachable: true, codec: 'mp3' });
    expect(live).toMatchObject({ reachable: true, codec: 'mp3' });
    expect(streams.requests).toEqual(expect.arrayContaining(['/moved', '/tone.mp3', '/seg-2.mp3']));
  });

  it('refuses a name rebound to an internal address after it was saved (DNS rebinding)', async () => {
    const url = `http://radio.test:${internal.port}/secret`;
    const created = await app
      .http()
      .post(`/api/v1/provinces/${PROVINCE}/sources`)
      .set(bearer(admin))
      .send({ name: 'Đài rebinding', urls: [url] })
      .expect(201); // radio.test is 203.0.113.10 now: a public address
    dns.answers.set('radio.test', '127.0.0.2');
    const [result] = await check((created.body as { id: string }).id);
    expect(result).toMatchObject({ reachable: false, codec: null });
    expect(result.error).toMatch(/internal address \(127\.0\.0\.2\)/);
    // The pull that plays a relay resolves, checks and connects to that one address too.
    const errors: Error[] = [];
    const rules = { allowedHosts: ['127.0.0.1'], lookup: resolverLookup([dns.server]) };
    const pull = pullSource(url, rules, 3000, (error) => errors.push(error));
    const bytes = await readAll(pull.audio);
    expect(bytes).toBe(0);
    expect(errors[0]?.message).toMatch(/internal address \(127\.0\.0\.2\)/);
    expect(dns.asked).toContain('radio.test');
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect to an internal address, and an HLS segment on one, before connecting', async () => {
    const base = `http://127.0.0.1:${streams.port}`;
    const [toInternal, toMetadata] = await saveAndCheck([
      `${base}/to-internal`,
      `${base}/to-metadata`,
    ]);
    expect(toInternal).toMatchObject({ reachable: false });
    expect(toInternal.error).toMatch(/127\.0\.0\.2.*refused|internal address \(127\.0\.0\.2\)/);
    expect(toMetadata).toMatchObject({ reachable: false });
    expect(toMetadata.error).toMatch(/internal address \(169\.254\.169\.254\)/);

    const errors: Error[] = [];
    const rules = { allowedHosts: ['127.0.0.1'], lookup: resolverLookup([dns.server]) };
    const pull = pullSource(`${base}/sneaky.m3u8`, rules, 3000, (error) => errors.push(error));
    // The first segment is the stream's; the second, on the internal address, is never fetched.
    expect(await readAll(pull.audio)).toBe(Math.floor(mp3.length / 3));
    expect(errors[0]?.message).toMatch(/internal address \(127\.0\.0\.2\)/);
    expect(internal.requests).toEqual([]);
  });
});

async function readAll(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}
