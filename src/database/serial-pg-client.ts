import type { Client, Submittable } from 'pg';

/** What a query given to pg answers through: its callback, or its promise. */
type Answer = (error: Error | null, result?: unknown) => void;

/** The part of a custom query (pg's `Query`, a cursor, a stream) that pg calls as it ends. */
interface Ending extends Submittable {
  handleReadyForQuery?: (...args: unknown[]) => void;
  handleError?: (error: Error, ...args: unknown[]) => void;
}

let serialClient: typeof Client | undefined;

/**
 * pg's `Client`, for the pool of PostgreSQL connections (`extra.Client`), except that a query
 * given while one runs on the client waits here and goes to the client once that one has been
 * answered. pg 8 would queue it itself, warning that pg 9 refuses it ("Calling client.query()
 * when the client is already executing a query is deprecated"); and a transaction gives its
 * client queries at once wherever its statements do not wait for each other (`settleAll`, the
 * planner's writes while it plans the next commune, TypeORM's own loaders). They are answered as
 * before: in the order given, each sent when the previous is answered (pg sends one at a time
 * unless in pipeline mode). An error in giving a query (a missing text, a closed client) is the
 * query's answer, as any other.
 *
 * pg is loaded by the first call (a PostgreSQL connection), not in every process at start.
 */
export function serialPgClient(): typeof Client {
  serialClient ??= serialized(loadPg().Client);
  return serialClient;
}

function loadPg(): typeof import('pg') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pg') as typeof import('pg');
}

function serialized(Base: typeof Client): typeof Client {
  return class SerialPgClient extends Base {
    /** Queries given while one runs, each to be given to the client in its turn. */
    private readonly waiting: (() => void)[] = [];
    private running = false;

    /**
     * Every form pg takes: a custom query (answered as pg answers it), a text or a config with a
     * callback (as the last argument or the config's own), or without one (a promise). The
     * return type is `never` to fit pg's overloads, each of which returns its form's answer.
     */
    override query(config: unknown, values?: unknown, callback?: unknown): never {
      if (isSubmittable(config)) {
        this.inTurn(
          (done) => super.query(afterEnding(config, done)),
          (error) => config.handleError?.(error),
        );
        return config as never;
      }
      const own =
        typeof callback === 'function'
          ? callback
          : typeof values === 'function'
            ? values
            : (config as { callback?: unknown } | null)?.callback;
      const parameters = typeof values === 'function' ? undefined : values;
      // A copy: pg sets the callback on the config it is given.
      const given = config !== null && typeof config === 'object' ? { ...config } : config;
      const run = (answer: Answer) =>
        this.inTurn(
          (done) =>
            super.query(given as string, parameters as unknown[], (error: Error | null, result) => {
              done();
              answer(error, result);
            }),
          (error) => answer(error),
        );
      if (typeof own === 'function') {
        run(own as Answer);
        return undefined as never;
      }
      return new Promise((resolve, reject) =>
        run((error, result) => (error ? reject(error) : resolve(result))),
      ) as never;
    }

    /**
     * Gives the query now if none runs, else after those waiting; `give` calls `done` once pg has
     * answered it. `fail` answers a query that pg refused to take.
     */
    private inTurn(give: (done: () => void) => void, fail: (error: Error) => void): void {
      const attempt = () => {
        let answered = false;
        const done = () => {
          if (answered) return;
          answered = true;
          this.next();
        };
        try {
          give(done);
        } catch (error) {
          done();
          fail(error instanceof Error ? error : new Error(String(error)));
        }
      };
      if (this.running) {
        this.waiting.push(attempt);
        return;
      }
      this.running = true;
      attempt();
    }

    /** The running query has been answered: the next waiting one goes. */
    private next(): void {
      const following = this.waiting.shift();
      if (following) following();
      else this.running = false;
    }
  };
}

function isSubmittable(config: unknown): config is Ending {
  return (
    config !== null &&
    typeof config === 'object' &&
    typeof (config as Partial<Submittable>).submit === 'function'
  );
}

/**
 * `query`, which calls `ended` once pg is done with it: when the server is ready for the next
 * query, or on an error (pg forgets the query then). `ended` may be called twice.
 */
function afterEnding(query: Ending, ended: () => void): Ending {
  for (const name of ['handleReadyForQuery', 'handleError'] as const) {
    const handle = query[name] as ((...args: unknown[]) => void) | undefined;
    if (!handle) continue;
    query[name] = function (this: Ending, ...args: unknown[]) {
      try {
        handle.apply(this, args);
      } finally {
        ended();
      }
    };
  }
  return query;
}
