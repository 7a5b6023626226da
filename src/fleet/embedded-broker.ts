import type { AuthenticateError, Client } from 'aedes';
import { Worker } from 'node:worker_threads';
import { BrokerGrant, brokerGrant, BrokerIdentity, MAX_KEEPALIVE_SECONDS } from './protocol';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** Who the connecting client is, or null to refuse it (bad username or password). */
  authenticate(
    clientId: string,
    username: string,
    password: string,
  ): Promise<BrokerIdentity | null>;
  /** Topic filters the server listens to inside the broker (it connects no MQTT client). */
  subscriptions: readonly string[];
  /** A message on one of `subscriptions`, in the order the broker routed them. */
  onMessage(topic: string, payload: Buffer): void;
  onError(message: string): void;
  /** The broker's thread stopped without being closed: nothing is routed any more. */
  onFailure(message: string): void;
}

interface PublishRequest {
  id: number;
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}

/** Messages from the service's thread to the broker's. */
type ToBroker =
  | { type: 'publish'; batch: PublishRequest[] }
  | { type: 'granted'; id: number; grant: BrokerGrant | null; failed: boolean }
  | { type: 'disconnect'; id: number; clientId: string }
  | { type: 'close' };

/** Messages from the broker's thread to the service's. */
type FromBroker =
  | { type: 'listening'; port: number }
  | { type: 'listen-failed'; code: string | undefined; message: string }
  | { type: 'authenticate'; id: number; clientId: string; username: string; password: string }
  | { type: 'messages'; batch: { topic: string; payload: Uint8Array }[] }
  | { type: 'done'; ids: number[]; failures: { id: number; message: string }[] }
  | { type: 'client-error'; message: string }
  | { type: 'closed' };

interface BrokerThreadData {
  /** aedes' entry file, resolved by the service (the thread's source has no directory). */
  aedesPath: string;
  host: string;
  port: number;
  keepaliveLimit: number;
  subscriptions: readonly string[];
}

/* eslint-disable @typescript-eslint/no-require-imports -- the thread's own source, see below */
/**
 * The broker's thread. This function is the worker's whole source (`String(brokerThread)`, run
 * with `eval`), so it works the same from the build and from the TypeScript that Jest runs; it
 * therefore uses nothing from its module's scope (types aside): it requires Node's modules and
 * aedes by path, and the access rules reach it as data (BrokerGrant), answered by the service.
 *
 * What crosses between the threads is batched per turn of the broker's event loop: the messages
 * the server subscribed to, and the completions of its publishes, one postMessage each.
 */
function brokerThread(): void {
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const { createServer } = require('node:net') as typeof import('node:net');
  const data = threads.workerData as BrokerThreadData;
  const { Aedes } = require(data.aedesPath) as typeof import('aedes');
  const port = threads.parentPort!;
  const send = (message: FromBroker) => port.postMessage(message);
  /** MQTT 3.1.1 CONNACK return code 4: bad user name or password. */
  const refused = (message: string): AuthenticateError =>
    Object.assign(new Error(message), { returnCode: 4 });
  // protocol/acl.ts isGranted, restated: this source cannot import it.
  const granted = (topics: BrokerGrant['publish'] | undefined, topic: string) =>
    topics === 'any' || (topics !== undefined && topics.includes(topic));

  const grants = new WeakMap<Client, BrokerGrant>();
  const questions = new Map<number, (grant: BrokerGrant | null, failed: boolean) => void>();
  let nextQuestion = 0;

  let messages: { topic: string; payload: Uint8Array }[] = [];
  let done: number[] = [];
  let failures: { id: number; message: string }[] = [];
  let flushing = false;
  const flushSoon = () => {
    if (flushing) return;
    flushing = true;
    setImmediate(() => {
      flushing = false;
      if (messages.length > 0) send({ type: 'messages', batch: messages });
      if (done.length > 0 || failures.length > 0) send({ type: 'done', ids: done, failures });
      messages = [];
      done = [];
      failures = [];
    });
  };
  // A copy of its own: a Buffer from the socket is a view on a larger chunk, all of which
  // postMessage would copy.
  const own = (payload: Buffer | string) =>
    typeof payload === 'string' ? new Uint8Array(Buffer.from(payload)) : new Uint8Array(payload);

  void Aedes.createBroker({
    keepaliveLimit: data.keepaliveLimit,
    // No routing queue. With a limit (aedes' default: 100 messages being delivered), the
    // messages past it wait in mqemitter's queue, and each delivery that finishes takes the next
    // one on the same stack; a message nobody receives (a command or Last Will of a device that
    // is gone, aedes' own $SYS notices of each closed connection) finishes at once and takes the
    // next, so a backlog of some thousands of them overflowed the stack ("Maximum call stack
    // size exceeded" in mqemitter) and killed the broker: what a cell-tower outage does to a
    // province (test/fleet-mass-cut.e2e-spec.ts). Without the limit each message is routed when
    // it is published; the queue held them in memory just the same.
    concurrency: 0,
    authenticate: (client, username, password, answer) => {
      if (username === undefined || password === undefined) {
        answer(refused('username and password required'), false);
        return;
      }
      const id = nextQuestion++;
      questions.set(id, (grant, failed) => {
        if (failed) return answer(refused('authentication unavailable'), false);
        if (!grant) return answer(refused('bad username or password'), false);
        grants.set(client, grant);
        answer(null, true);
      });
      send({
        type: 'authenticate',
        id,
        clientId: client.id,
        username,
        password: password.toString('utf8'),
      });
    },
    authorizeSubscribe: (client, subscription, answer) => {
      // null: the subscription is refused (SUBACK 0x80), the connection stays.
      const allowed = granted(grants.get(client)?.subscribe, subscription.topic);
      answer(null, allowed ? subscription : null);
    },
    authorizePublish: (client, packet, answer) => {
      // client null: the server's own publish (below).
      if (client && !granted(grants.get(client)?.publish, packet.topic)) {
        answer(new Error(`not authorized to publish on ${packet.topic}`));
        return;
      }
      answer(null);
    },
  }).then((aedes) => {
    for (const filter of data.subscriptions) {
      aedes.subscribe(
        filter,
        (packet, delivered) => {
          messages.push({ topic: packet.topic, payload: own(packet.payload) });
          flushSoon();
          delivered();
        },
        () => undefined,
      );
    }
    aedes.on('clientError', (client, error) => {
      send({ type: 'client-error', message: `MQTT client ${client.id}: ${error.message}` });
    });
    const clients = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
    const server = createServer(aedes.handle);
    server.once('error', (error: NodeJS.ErrnoException) => {
      aedes.close(() => send({ type: 'listen-failed', code: error.code, message: error.message }));
    });
    server.listen(data.port, data.host, () => {
      server.removeAllListeners('error');
      server.on('error', (error) => send({ type: 'client-error', message: error.message }));
      const address = server.address();
      send({
        type: 'listening',
        port: typeof address === 'object' && address ? address.port : data.port,
      });
    });
    port.on('message', (message: ToBroker) => {
      switch (message.type) {
        case 'granted':
          questions.get(message.id)?.(message.grant, message.failed);
          questions.delete(message.id);
          return;
        case 'publish':
          for (const { id, topic, payload, qos, retain } of message.batch) {
            const packet = { cmd: 'publish' as const, topic, qos, retain, dup: false };
            aedes.publish({ ...packet, payload: Buffer.from(payload) }, (error) => {
              if (error) failures.push({ id, message: error.message });
              else done.push(id);
              flushSoon();
            });
          }
          return;
        case 'disconnect': {
          const finish = () => {
            done.push(message.id);
            flushSoon();
          };
          const client = clients[message.clientId];
          if (client) client.close(finish);
          else finish();
          return;
        }
        case 'close':
          // aedes closes its clients' connections; only then can the listening socket close.
          aedes.close(() => server.close(() => send({ type: 'closed' })));
          return;
      }
    });
  });
}
/* eslint-enable @typescript-eslint/no-require-imports */

interface Waiting {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The broker the `api` process runs when no MQTT_URL is set: aedes, in memory, on a worker
 * thread of its own. On the service's thread a 2,500-device emergency spent ~0.7 s routing its
 * ~6 MQTT packets per device, and took the fleet's statuses on the same thread; here the packets
 * are the broker thread's, and the service's thread only handles what it subscribed to and the
 * authentication questions.
 *
 * The server is no MQTT client of its own broker: its subscriptions and publishes cross the
 * threads' message port in batches (no encoding, no PUBACK round trip, no second socket), and
 * every device authenticates against the database on the service's thread, which answers with
 * the device's grant (the protocol's access rules as topic names) that the broker checks each
 * subscription and publication against.
 */
export class EmbeddedBroker {
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  private outgoing: PublishRequest[] = [];
  private stopped: string | null = null;
  private closing: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;
  private boundPort = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly options: EmbeddedBrokerOptions,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const workerData: BrokerThreadData = {
      aedesPath: require.resolve('aedes'),
      host: options.host,
      port: options.port,
      keepaliveLimit: MAX_KEEPALIVE_SECONDS,
      subscriptions: options.subscriptions,
    };
    const worker = new Worker(`(${String(brokerThread)})()`, { eval: true, workerData });
    const broker = new EmbeddedBroker(worker, options);
    try {
      broker.boundPort = await broker.listening();
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return broker;
  }

  /**
   * Publishes from inside the broker: devices get the message at the QoS asked for; resolves
   * once the broker has routed it. Every publish of one turn of the service's event loop (an
   * emergency's 2,500 commands) crosses to the broker's thread in one message.
   */
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void> {
    return this.request((id) => {
      this.outgoing.push({ id, topic, payload: new Uint8Array(payload), ...options });
      if (this.outgoing.length === 1) queueMicrotask(() => this.sendOutgoing());
    });
  }

  /** Closes the session of the client with this id, if connected here (its Last Will is sent). */
  disconnect(clientId: string): Promise<void> {
    return this.request((id) => this.post({ type: 'disconnect', id, clientId }));
  }

  /** Closes every connection and the listening socket, then ends the thread. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (!this.stopped) {
      const closed = new Promise<void>((resolve) => (this.onClosed = resolve));
      this.post({ type: 'close' });
      await closed;
    }
    this.stop('the embedded MQTT broker is closed');
    await this.worker.terminate();
  }

  private listening(): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        this.stop(message);
        reject(new Error(message));
      };
      this.worker.on('message', (message: FromBroker) => {
        if (message.type === 'listening') return resolve(message.port);
        if (message.type === 'listen-failed') return fail(this.listenFailure(message));
        this.receive(message);
      });
      // Past the start, a thread that stops on its own is a failure the service must hear of.
      const failed = (message: string) => {
        const running = this.boundPort !== 0 && !this.stopped;
        fail(message);
        if (running) this.options.onFailure(message);
      };
      this.worker.on('error', (error) => {
        failed(`The embedded MQTT broker failed: ${error.message}`);
      });
      this.worker.on('exit', (code) => {
        this.onClosed?.();
        failed(`The embedded MQTT broker's thread exited (code ${code})`);
      });
    });
  }

  private listenFailure(message: { code: string | undefined; message: string }): string {
    const { host, port } = this.options;
    return message.code === 'EADDRINUSE'
      ? `MQTT_PORT ${port} is already in use on ${host}: the embedded MQTT broker cannot start. Set MQTT_PORT to a free port, or MQTT_URL to use an external broker.`
      : `The embedded MQTT broker cannot listen on ${host}:${port} (MQTT_PORT, MQTT_HOST): ${message.message}`;
  }

  private receive(message: FromBroker): void {
    switch (message.type) {
      case 'messages':
        for (const { topic, payload } of message.batch) {
          this.options.onMessage(
            topic,
            Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
          );
        }
        return;
      case 'done':
        for (const id of message.ids) this.settle(id)?.resolve();
        for (const { id, message: error } of message.failures) {
          this.settle(id)?.reject(new Error(error));
        }
        return;
      case 'authenticate':
        void this.answer(message);
        return;
      case 'client-error':
        this.options.onError(message.message);
        return;
      case 'closed':
        this.onClosed?.();
        return;
    }
  }

  private async answer(question: Extract<FromBroker, { type: 'authenticate' }>): Promise<void> {
    let grant: BrokerGrant | null = null;
    let failed = false;
    try {
      const identity = await this.options.authenticate(
        question.clientId,
        question.username,
        question.password,
      );
      grant = identity ? brokerGrant(identity) : null;
    } catch (error) {
      this.options.onError(`MQTT authentication failed: ${(error as Error).message}`);
      failed = true;
    }
    this.post({ type: 'granted', id: question.id, grant, failed });
  }

  private request(send: (id: number) => void): Promise<void> {
    if (this.stopped) return Promise.reject(new Error(this.stopped));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      send(id);
    });
  }

  private sendOutgoing(): void {
    const batch = this.outgoing;
    this.outgoing = [];
    if (batch.length > 0) this.post({ type: 'publish', batch });
  }

  private post(message: ToBroker): void {
    if (!this.stopped) this.worker.postMessage(message);
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    return waiting;
  }

  /** Nothing more is routed: what still waits for the broker is refused. */
  private stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = reason;
    const error = new Error(reason);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.outgoing = [];
  }
}
