import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioCache } from './audio-cache';
import { EdgeStore } from './edge-store';
import { ServerApi } from './server-api';

describe('audio cache', () => {
  const bytes = randomBytes(200000);
  const audio = {
    id: 'a1',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    url: '/api/v1/audio/a1/content',
  };
  let dir: string;
  let store: EdgeStore;
  let server: Server;
  let origin: string;
  const ranges: string[] = [];
  let serve = bytes;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      ranges.push(request.headers.range ?? 'none');
      const from = range ? Number(range[1]) : 0;
      response.writeHead(range ? 206 : 200, { 'Content-Length': serve.length - from });
      response.end(serve.subarray(from));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-cache-'));
    store = await EdgeStore.open(join(dir, 'edge.sqlite'));
    ranges.length = 0;
    serve = bytes;
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes a partial download with Range and keeps it once it matches', async () => {
    const cache = new AudioCache(join(dir, 'audio'), store, new ServerApi(origin, 'lxd_x'));
    mkdirSync(join(dir, 'audio'));
    writeFileSync(`${cache.path('a1')}.part`, bytes.subarray(0, 50000));
    expect(await cache.fetch(audio)).toBe(true);
    expect(ranges).toEqual(['bytes=50000-']);
    expect(readFileSync(cache.path('a1'))).toEqual(bytes);
    expect(await cache.check(audio)).toBe(true);
  });

  it('drops a file that no longer matches its sha256 and never keeps a wrong download', async () => {
    const cache = new AudioCache(join(dir, 'audio'), store, new ServerApi(origin, 'lxd_x'));
    expect(await cache.fetch(audio)).toBe(true);
    const corrupted = Buffer.from(bytes);
    corrupted[1234] ^= 0xff;
    writeFileSync(cache.path('a1'), corrupted);
    expect(await cache.looksIntact(audio)).toBe(true);
    expect(await cache.check(audio)).toBe(false);
    expect(existsSync(cache.path('a1'))).toBe(false);
    serve = corrupted;
    await expect(cache.fetch(audio)).rejects.toThrow(/sha256/);
    expect(existsSync(cache.path('a1'))).toBe(false);
    expect(existsSync(`${cache.path('a1')}.part`)).toBe(false);
  });
});
