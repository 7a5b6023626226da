import { createWriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  MANIFEST_PROTOCOL,
  manifestPath,
  Receipt,
  ReceiptChainHead,
  receiptChainHead,
  ReceiptRejectionNotice,
  receiptRejections,
} from '../fleet/protocol';

/** What the server answered a batch of receipts it took (docs/device-protocol.md §5). */
export interface ReceiptUploadAnswer {
  lastSeq: number | undefined;
  rejected: ReceiptRejectionNotice[];
}

/** What enrolment answers (docs/device-protocol.md, "Enrolment"). */
export interface Enrolment {
  deviceId: string;
  communeCode: string;
  apiToken: string;
  mqtt: { url: string; username: string; password: string };
}

/** Enrolment's answer, with where the cluster's receipt chain ends (null: a server without it). */
export interface EnrolmentAnswer extends Enrolment {
  receiptChain: ReceiptChainHead | null;
}

/** The server answered, and said no: retrying the same request will not help. */
export class ServerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** The answer's body, when it was JSON. */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ServerRefusal';
  }
}

const REQUEST_TIMEOUT_MS = 20000;
/** A download that receives nothing for this long is dropped (and resumed next time). */
const DOWNLOAD_IDLE_TIMEOUT_MS = 30000;

async function refusal(response: Response, what: string): Promise<ServerRefusal> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  const code = typeof body.code === 'string' ? body.code : undefined;
  const detail = typeof body.message === 'string' ? body.message : '';
  const message = `${what}: HTTP ${response.status} ${code ?? ''} ${detail}`.trimEnd();
  return new ServerRefusal(response.status, code, message, body);
}

/**
 * The server's HTTPS side as a device uses it: enrolment, the manifest, audio downloads (resumed
 * with `Range`) and receipts. Every call has a timeout; a network failure throws a plain Error,
 * an answer the device cannot use a ServerRefusal.
 */
export class ServerApi {
  /** The device clock minus the server's, from the last answer's `Date` header (±0.5 s). */
  clockSkewMs: number | undefined;

  constructor(
    readonly origin: string,
    private token?: string,
  ) {}

  useToken(token: string): void {
    this.token = token;
  }

  async enrol(code: string, publicKey: string): Promise<EnrolmentAnswer> {
    const response = await this.request('POST', '/api/v1/devices/enrol', { code, publicKey });
    if (response.status !== 201) throw await refusal(response, 'Enrolment refused');
    const body = (await response.json()) as Enrolment;
    return { ...body, receiptChain: receiptChainHead(body) };
  }

  /** Where the server's copy of the device's receipt chain ends (`GET /devices/me`). */
  async receiptChain(): Promise<ReceiptChainHead> {
    const response = await this.request('GET', '/api/v1/devices/me');
    if (response.status !== 200) throw await refusal(response, 'Device view refused');
    const head = receiptChainHead(await response.json());
    if (!head) throw new ServerRefusal(200, undefined, 'GET /devices/me has no receiptChain');
    return head;
  }

  async manifest(deviceId: string): Promise<unknown> {
    const response = await this.request('GET', manifestPath(deviceId, MANIFEST_PROTOCOL));
    if (response.status !== 200) throw await refusal(response, 'Manifest refused');
    return await response.json();
  }

  /**
   * Posts a batch; resolves with the last seq the server holds (`lastSeq`, when it says) and the
   * receipts it kept without counting them (`rejected`). A refusal (422 `RECEIPT_REFUSED`)
   * carries `lastSeq` too: the receipts before the refused one were kept.
   */
  async uploadReceipts(deviceId: string, receipts: Receipt[]): Promise<ReceiptUploadAnswer> {
    const response = await this.request('POST', `/api/v1/devices/${deviceId}/receipts`, {
      receipts,
    });
    if (response.status < 200 || response.status > 299) {
      throw await refusal(response, 'Receipts refused');
    }
    const body = (await response.json().catch(() => ({}))) as { lastSeq?: unknown };
    return {
      lastSeq: typeof body.lastSeq === 'number' ? body.lastSeq : undefined,
      rejected: receiptRejections(body),
    };
  }

  /**
   * Downloads `path` (on the server's origin) into `file`, resuming what the file already holds
   * with `Range`. Resolves once the whole body is written; the caller checks it.
   */
  async download(path: string, file: string): Promise<void> {
    const have = await stat(file).then(
      (info) => info.size,
      () => 0,
    );
    const controller = new AbortController();
    let idle = setTimeout(() => controller.abort(), DOWNLOAD_IDLE_TIMEOUT_MS);
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), DOWNLOAD_IDLE_TIMEOUT_MS);
    };
    try {
      const response = await fetch(new URL(path, this.origin), {
        headers: { ...this.authorization(), ...(have > 0 ? { Range: `bytes=${have}-` } : {}) },
        signal: controller.signal,
      });
      this.noteDate(response);
      if (response.status === 416) {
        // The file holds at least the whole body already (the check decides).
        await response.arrayBuffer();
        return;
      }
      if (response.status !== 200 && response.status !== 206) {
        throw await refusal(response, `Download of ${path} refused`);
      }
      const append = response.status === 206;
      if (!append && have > 0) await truncate(file, 0);
      if (!response.body) return;
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      body.on('data', touch);
      await pipeline(body, createWriteStream(file, { flags: append ? 'a' : 'w' }));
    } finally {
      clearTimeout(idle);
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const sentAt = Date.now();
    const response = await fetch(new URL(path, this.origin), {
      method,
      headers: {
        ...this.authorization(),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    this.noteDate(response, sentAt);
    return response;
  }

  private authorization(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  /**
   * `Date` has whole seconds: the server's time at the answer lies in [Date, Date + 1 s), taken
   * as its middle, against the middle of the round trip on the device's clock.
   */
  private noteDate(response: Response, sentAt = Date.now()): void {
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(date)) return;
    const receivedAt = Date.now();
    const roundTrip = receivedAt - sentAt;
    if (roundTrip > 2000) return;
    this.clockSkewMs = Math.round((sentAt + receivedAt) / 2 - (date + 500));
  }
}
