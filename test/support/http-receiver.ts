import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A webhook receiver on a real port of 127.0.0.1 that answers 500 to its first `failures` requests,
 * then 200, and keeps every request (headers and body as received).
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server!: Server;

  constructor(private failures = 0) {}

  /** Starts listening; answers the URL of `path` on it. */
  async start(path = '/'): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const answered = this.failures > 0 ? 500 : 200;
        if (this.failures > 0) this.failures -= 1;
        this.requests.push({
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          answered,
        });
        response.writeHead(answered, { 'Content-Type': 'application/json' });
        response.end(answered === 200 ? '{"ok":true}' : '{"error":"đang bảo trì"}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  accepted(): ReceivedRequest[] {
    return this.requests.filter((request) => request.answered === 200);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
