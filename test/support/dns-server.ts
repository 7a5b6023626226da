import { createSocket, Socket } from 'node:dgram';

/**
 * A tiny authoritative DNS server on UDP 127.0.0.1 for tests: A queries for the names in
 * `answers` get that IPv4 address (TTL 0, so every lookup asks again); anything else gets no
 * answer (NXDOMAIN for unknown names). Change `answers` to rebind a name between two lookups.
 */
export class TestDnsServer {
  readonly answers = new Map<string, string>();
  /** Every name asked for, in order. */
  readonly asked: string[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (query, peer) => {
      const reply = this.reply(query);
      if (reply) socket.send(reply, peer.port, peer.address);
    });
  }

  static async start(): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new TestDnsServer(socket);
  }

  /** `127.0.0.1:<port>`, as SOURCES_DNS_SERVERS takes it. */
  get server(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private reply(query: Buffer): Buffer | null {
    if (query.length < 12) return null;
    const labels: string[] = [];
    let offset = 12;
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset];
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    if (questionEnd > query.length) return null;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    this.asked.push(name);
    const address = this.answers.get(name);
    const answer =
      address && type === 1
        ? Buffer.concat([
            Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4]),
            Buffer.from(address.split('.').map(Number)),
          ])
        : Buffer.alloc(0);
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // the query's id
    // A response, authoritative, recursion desired/available; NXDOMAIN for an unknown name.
    header.writeUInt16BE(0x8580 | (address ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer.length > 0 ? 1 : 0, 6);
    return Buffer.concat([header, query.subarray(12, questionEnd), answer]);
  }
}
