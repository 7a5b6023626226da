import { Aedes, AuthenticateError, Client } from 'aedes';
import { createServer, Server } from 'node:net';
import { BrokerIdentity, MAX_KEEPALIVE_SECONDS, mayPublish, maySubscribe } from './protocol';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** Who the connecting client is, or null to refuse it (bad username or password). */
  authenticate(
    clientId: string,
    username: string,
    password: string,
  ): Promise<BrokerIdentity | null>;
  onError(message: string): void;
}

/** MQTT CONNACK return codes (3.1.1) aedes passes on. */
const BAD_USERNAME_OR_PASSWORD = 4;

function authError(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: BAD_USERNAME_OR_PASSWORD });
}

/**
 * The broker the `api` process runs when no MQTT_URL is set (aedes, in memory): every client
 * authenticates (devices with their enrolment credentials, the server with a secret of the
 * process), and the protocol's access rules decide each subscription and publication.
 */
export class EmbeddedBroker {
  private constructor(
    private readonly aedes: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const identities = new WeakMap<Client, BrokerIdentity>();
    const aedes = await Aedes.createBroker({
      keepaliveLimit: MAX_KEEPALIVE_SECONDS,
      // No routing queue. With a limit (aedes' default: 100 messages being delivered), the
      // messages past it wait in mqemitter's queue, and each delivery that finishes takes the next
      // one on the same stack; a message nobody receives (a command or Last Will of a device that
      // is gone, aedes' own $SYS notices of each closed connection) finishes at once and takes the
      // next, so a backlog of some thousands of them overflowed the stack ("Maximum call stack
      // size exceeded" in mqemitter) and killed the process: what a cell-tower outage does to a
      // province (test/fleet-mass-cut.e2e-spec.ts). Without the limit each message is routed when
      // it is published; the queue held them in memory just the same.
      concurrency: 0,
      authenticate: (client, username, password, done) => {
        if (username === undefined || password === undefined) {
          done(authError('username and password required'), false);
          return;
        }
        options
          .authenticate(client.id, username, password.toString('utf8'))
          .then((identity) => {
            if (!identity) return done(authError('bad username or password'), false);
            identities.set(client, identity);
            done(null, true);
          })
          .catch((error: Error) => {
            options.onError(`MQTT authentication failed: ${error.message}`);
            done(authError('authentication unavailable'), false);
          });
      },
      authorizeSubscribe: (client, subscription, done) => {
        const identity = identities.get(client);
        // null: the subscription is refused (SUBACK 0x80), the connection stays.
        done(null, identity && maySubscribe(identity, subscription.topic) ? subscription : null);
      },
      authorizePublish: (client, packet, done) => {
        const identity = client ? identities.get(client) : undefined;
        if (client && (!identity || !mayPublish(identity, packet.topic))) {
          done(new Error(`not authorized to publish on ${packet.topic}`));
          return;
        }
        done(null);
      },
    });
    aedes.on('clientError', (client, error) => {
      options.onError(`MQTT client ${client.id}: ${error.message}`);
    });
    const server = createServer(aedes.handle);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'EADDRINUSE'
          ? `MQTT_PORT ${options.port} is already in use on ${options.host}: the embedded MQTT broker cannot start. Set MQTT_PORT to a free port, or MQTT_URL to use an external broker.`
          : `The embedded MQTT broker cannot listen on ${options.host}:${options.port} (MQTT_PORT, MQTT_HOST): ${(error as Error).message}`,
      );
    }
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return new EmbeddedBroker(aedes, server, port);
  }

  /**
   * Publishes from inside the broker: no socket, no encoding and no PUBACK round trip for the
   * server's own messages, so an emergency's 2,500 commands leave in a few milliseconds. Devices
   * still get them at the QoS asked for; resolves once the broker has routed the message.
   */
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish(
        { cmd: 'publish', topic, payload, qos: options.qos, retain: options.retain, dup: false },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  /** Closes the session of the client with this id, if connected here (its Last Will is sent). */
  disconnect(clientId: string): Promise<void> {
    const clients = (this.aedes as unknown as { clients: Record<string, Client | undefined> })
      .clients;
    const client = clients[clientId];
    if (!client) return Promise.resolve();
    return new Promise((resolve) => client.close(() => resolve()));
  }

  async close(): Promise<void> {
    // aedes closes its clients' connections; only then can the listening socket close.
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
