import type { Database, Statement } from 'sqlite3';
import { EntityManager, QueryFailedError } from 'typeorm';
import type { SqlValue } from './bulk-insert';

/**
 * Characters of SQL kept prepared per connection. A prepared statement holds ~20 bytes of
 * SQLite's memory a character of its text (a 100-row INSERT of as-run records: 11.6 kB of text,
 * 224 kB prepared; node 20, sqlite3 6), so this keeps ~1.3 MB: the ~30 statements of an as-run
 * batch's transaction take 57 kB (bench/reports.bench.ts), and the memory goal leaves little
 * room (BENCHMARKS.md, 142 MB of 150 at the API's peak).
 */
const CACHED_CHARACTERS = 64 * 1024;
/** A longer statement (a one-off bulk write) is prepared, run and finalized as before. */
const LONGEST_CACHED = 16 * 1024;

/** What a statement gives back: the rows it read, and the rows it changed when it wrote. */
export interface StatementResult<Row> {
  rows: Row[];
  changes: number;
}

/**
 * The plain-SQL helpers' statements on SQLite, prepared once and run again. sqlite3's
 * `Database#all` and `#run` prepare a statement, run it and finalize it every time: a 300-row
 * INSERT of as-run records took 4.9 ms that way against 4.2 ms prepared once (SQLite parsing
 * its text and generating its code each time), and a small statement of a write (chain head,
 * roll-ups, audit) 85–110 µs against ~45 µs. The least recently used statements go first once
 * the kept text passes `CACHED_CHARACTERS`.
 *
 * A cached statement runs its calls one at a time and in the order they were made (sqlite3
 * queues them on the statement), so the runs of one statement can be issued without awaiting
 * each: their values are converted on the main thread while SQLite runs the previous one.
 */
class StatementCache {
  private readonly statements = new Map<string, Kept>();
  private characters = 0;

  constructor(private readonly database: Database) {
    // An unfinalized statement makes SQLite refuse to close the connection (SQLITE_BUSY), and
    // TypeORM closes it through `close`: the cached statements are finalized first.
    const close = database.close.bind(database);
    database.close = (callback?: (error: Error | null) => void) => {
      this.clear();
      return close(callback);
    };
  }

  /** The statement of `sql`, prepared now if it is not kept; null for a long one. */
  kept(sql: string): Kept | null {
    const kept = this.statements.get(sql);
    if (kept) {
      // Most recently used last: the Map's order is the eviction order.
      this.statements.delete(sql);
      this.statements.set(sql, kept);
      return kept;
    }
    if (sql.length > LONGEST_CACHED) return null;
    const fresh: Kept = prepare(this.database, sql, () => this.drop(sql, fresh));
    this.statements.set(sql, fresh);
    this.characters += sql.length;
    for (const [oldest] of this.statements) {
      if (this.characters <= CACHED_CHARACTERS) break;
      this.drop(oldest);
    }
    return fresh;
  }

  /**
   * Forgets the statement of `sql` (only if it is still `kept`, when given) and finalizes it
   * after the runs given to it: sqlite3 queues the finalizing behind them, and runs still waiting
   * for the preparing are given to it before.
   */
  drop(sql: string, kept = this.statements.get(sql)): void {
    if (!kept || this.statements.get(sql) !== kept) return;
    this.statements.delete(sql);
    this.characters -= sql.length;
    // With a callback, an error of the finalizing is never emitted as an 'error' event.
    const finalize = () => kept.statement.finalize(() => undefined);
    if (kept.prepared) finalize();
    else kept.ready.then(finalize, finalize);
  }

  clear(): void {
    for (const sql of [...this.statements.keys()]) this.drop(sql);
  }

  get size(): number {
    return this.statements.size;
  }
}

/** A statement of the cache, and whether SQLite has prepared it yet. */
interface Kept {
  statement: Statement;
  /**
   * Settles when SQLite has prepared it: sqlite3 never answers a run given to a statement whose
   * preparing failed, so runs wait for this until `prepared`.
   */
  ready: Promise<void>;
  prepared: boolean;
}

function prepare(database: Database, sql: string, failed: () => void): Kept {
  let settle!: (error: Error | null) => void;
  const ready = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const kept: Kept = {
    statement: database.prepare(sql, (error: Error | null) => {
      if (error) failed();
      else kept.prepared = true;
      settle(error);
    }),
    ready,
    prepared: false,
  };
  // A run waiting for it takes the error; nobody else needs to.
  ready.catch(() => undefined);
  return kept;
}

const caches = new WeakMap<Database, StatementCache>();

/** The sqlite3 connection behind `manager`, or null on another driver or before it connects. */
function sqliteConnection(manager: EntityManager): Database | null {
  if (manager.connection.options.type !== 'sqlite') return null;
  const driver = manager.connection.driver as { databaseConnection?: Database } | undefined;
  return driver?.databaseConnection ?? null;
}

function cacheOf(database: Database): StatementCache {
  let cache = caches.get(database);
  if (!cache) {
    cache = new StatementCache(database);
    caches.set(database, cache);
  }
  return cache;
}

/**
 * Runs `sql` through `manager` as a prepared statement kept for the next run, on SQLite; null
 * on PostgreSQL (or for a statement too long to keep), where the caller queries as usual. `all`
 * reads rows, `run` writes. A failed statement is finalized and prepared afresh next time, and
 * its error is TypeORM's `QueryFailedError`, as the query runner would give it.
 */
export function runPrepared<Row>(
  manager: EntityManager,
  sql: string,
  parameters: readonly SqlValue[],
  method: 'all' | 'run',
): Promise<StatementResult<Row>> | null {
  const database = sqliteConnection(manager);
  if (!database) return null;
  const cache = cacheOf(database);
  const kept = cache.kept(sql);
  if (!kept) return null;
  const values = [...parameters];
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(new QueryFailedError(sql, values, error));
    const done = function (
      this: Statement & { changes?: number },
      error: Error | null,
      rows?: Row[],
    ) {
      if (error) {
        cache.drop(sql, kept);
        fail(error);
        return;
      }
      resolve({ rows: rows ?? [], changes: this.changes ?? 0 });
    };
    const run = () => {
      if (method === 'all') kept.statement.all<Row>(values, done);
      else kept.statement.run(values, done);
    };
    // Runs of a prepared statement are given to it at once, so they keep the order of the calls;
    // before, they wait in that order for the preparing.
    if (kept.prepared) run();
    else kept.ready.then(run, fail);
  });
}

/** Statements kept for `manager`'s connection (for tests). */
export function preparedCount(manager: EntityManager): number {
  const database = sqliteConnection(manager);
  return database ? (caches.get(database)?.size ?? 0) : 0;
}
