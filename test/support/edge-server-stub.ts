import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { audioContentPath, Manifest, ManifestItem, Receipt } from '../../src/fleet/protocol';

export interface StubAudio {
  id: string;
  bytes: Buffer;
  sha256: string;
}

/** An audio file as the stub serves it. */
export function stubAudio(path: string): StubAudio {
  const bytes = readFileSync(path);
  return { id: randomUUID(), bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

interface StubDevice {
  deviceId: string;
  apiToken: string;
  publicKey: string | null;
}

/**
 * The device side of a Loa xã server as docs/device-protocol.md pins it (enrolment, manifest,
 * audio with `Range`, receipts), for the edge player's tests until the real routes exist: a real
 * HTTP server on a loopback port that can be stopped (an outage) and started again on that port.
 */
export class EdgeServerStub {
  readonly communeCode = '14797';
  readonly codes = new Map<string, StubDevice>();
  readonly receipts = new Map<string, Receipt[]>();
  items: (Omit<ManifestItem, 'audio'> & { audio: StubAudio })[] = [];
  /** Requests seen, `METHOD path range?` (tests check resumes and re-fetches). */
  readonly log: string[] = [];
  /** Receipt posts answered 503 before the next one is taken. */
  failReceiptPosts = 0;
  /** How long an audio request waits before it is answered (a slow link). */
  audioDelayMs = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  /** A new single-use enrolment code. */
  newCode(): string {
    const code = randomUUID().slice(0, 8).toUpperCase();
    this.codes.set(code, {
      deviceId: randomUUID(),
      apiToken: `lxd_${randomUUID()}`,
      publicKey: null,
    });
    return code;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        response.statusCode = 500;
        response.end(error.message);
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** The outage: the port closes and every open connection is cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private deviceOf(request: IncomingMessage): StubDevice | undefined {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return [...this.codes.values()].find((device) => device.apiToken === token);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    this.log.push(`${request.method} ${url.pathname} ${request.headers.range ?? ''}`.trim());
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body =
      chunks.length > 0
        ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>)
        : {};
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.method === 'POST' && url.pathname === '/api/v1/devices/enrol') {
      const device = this.codes.get(String(body.code));
      if (!device) return json(401, { code: 'ENROLMENT_CODE_UNKNOWN', message: 'unknown code' });
      if (device.publicKey) return json(409, { code: 'ENROLMENT_CODE_USED', message: 'used' });
      device.publicKey = String(body.publicKey);
      return json(201, {
        deviceId: device.deviceId,
        communeCode: this.communeCode,
        apiToken: device.apiToken,
        // No broker in these tests: the player keeps trying and plays all the same.
        mqtt: { url: 'mqtt://127.0.0.1:9', username: device.deviceId, password: 'x' },
      });
    }
    const device = this.deviceOf(request);
    if (!device) return json(401, { code: 'DEVICE_TOKEN_INVALID', message: 'no device' });
    const manifestPath = `/api/v1/devices/${device.deviceId}/manifest`;
    if (request.method === 'GET' && url.pathname === manifestPath) {
      const manifest: Manifest = {
        generatedAt: new Date().toISOString(),
        horizonUntil: new Date(Date.now() + 72 * 3600 * 1000).toISOString(),
        items: this.items.map((item) => ({
          ...item,
          audio: {
            id: item.audio.id,
            sha256: item.audio.sha256,
            bytes: item.audio.bytes.length,
            url: audioContentPath(item.audio.id),
          },
        })),
      };
      return json(200, manifest);
    }
    const audioMatch = /^\/api\/v1\/audio\/([^/]+)\/content$/.exec(url.pathname);
    if (request.method === 'GET' && audioMatch) {
      const audio = this.items.find((item) => item.audio.id === audioMatch[1])?.audio;
      if (!audio) return json(404, { code: 'NOT_FOUND', message: 'no audio' });
      if (this.audioDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.audioDelayMs));
      }
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      const from = range ? Number(range[1]) : 0;
      if (from >= audio.bytes.length) {
        response.writeHead(416, { 'Content-Range': `bytes */${audio.bytes.length}` });
        return void response.end();
      }
      response.writeHead(range ? 206 : 200, {
        'Content-Type': 'audio/mpeg',
        'Content-Length': audio.bytes.length - from,
        ...(range
          ? { 'Content-Range': `bytes ${from}-${audio.bytes.length - 1}/${audio.bytes.length}` }
          : {}),
      });
      return void response.end(audio.bytes.subarray(from));
    }
    if (
      request.method === 'POST' &&
      url.pathname === `/api/v1/devices/${device.deviceId}/receipts`
    ) {
      if (this.failReceiptPosts > 0) {
        this.failReceiptPosts--;
        return json(503, { code: 'UNAVAILABLE', message: 'try later' });
      }
      const stored = this.receipts.get(device.deviceId) ?? [];
      for (const receipt of body.receipts as Receipt[]) {
        if (!stored.some((known) => known.seq === receipt.seq)) stored.push(receipt);
      }
      this.receipts.set(device.deviceId, stored);
      return json(200, { accepted: (body.receipts as Receipt[]).length });
    }
    return json(404, { code: 'NOT_FOUND', message: url.pathname });
  }
}
