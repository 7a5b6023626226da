import { EntityManager } from 'typeorm';
import { runPrepared } from './sqlite-statements';

/**
 * Bound parameters per statement: SQLite's default limit is 32,766 (since 3.32) and PostgreSQL's
 * 65,535; statements much longer than this one gain nothing.
 */
const MAX_PARAMETERS = 8000;

/** A value as the driver binds it: instants as `toInstant` strings, booleans through `sqlBoolean`. */
export type SqlValue = string | number | boolean | null;

/** A boolean as the database stores it: 0/1 on SQLite, `true`/`false` on PostgreSQL. */
export function sqlBoolean(manager: EntityManager, value: boolean): SqlValue {
  return manager.connection.options.type === 'sqlite' ? Number(value) : value;
}

/** Plain SQL written with `?` placeholders, as the driver takes it: `$1, $2, …` on PostgreSQL. */
export function positional(manager: EntityManager, sql: string): string {
  if (manager.connection.options.type === 'sqlite') return sql;
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/**
 * Runs a plain SQL statement (`?` placeholders) in the caller's transaction; the number of rows
 * it changed, when the driver tells (both do for UPDATE and DELETE).
 */
export async function execute(
  manager: EntityManager,
  sql: string,
  parameters: readonly SqlValue[],
): Promise<number | undefined> {
  const prepared = runPrepared(manager, sql, parameters, 'run');
  if (prepared) return (await prepared).changes;
  const text = positional(manager, sql);
  if (!manager.queryRunner) {
    await manager.query(text, [...parameters]);
    return undefined;
  }
  const result = await manager.queryRunner.query(text, [...parameters], true);
  return result.affected;
}

/**
 * Inserts rows in multi-row `INSERT` statements of plain SQL, in the caller's transaction: on
 * SQLite statements of the same size given at once (`insertPipelined`), on PostgreSQL as many
 * rows each as stay under the parameter limit. For bulk writes only: TypeORM's insert
 * builder spends several microseconds of bookkeeping on each parameter, more than the database
 * takes to store it. `rows` hold column values in the order of `columns`, already converted.
 * `onConflict` is the rest of an `ON CONFLICT` clause, the same on SQLite (≥ 3.24) and
 * PostgreSQL: `DO NOTHING`, or `(key columns) DO UPDATE SET …`.
 *
 * With `bindSharedOnce`, a column that holds the same value in every row (a plan's commune,
 * status, author and times) is bound once a statement and named in each row by number (`?3` on
 * SQLite, `$3` on PostgreSQL): binding is a good part of the driver's work on the main thread,
 * and a plan's 149 rows of 14 columns bind 754 values instead of 2,086.
 */
export async function insertRows(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  onConflict?: string,
  bindSharedOnce = false,
): Promise<void> {
  const sqlite = manager.connection.options.type === 'sqlite';
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const conflict = onConflict ? ` ON CONFLICT ${onConflict}` : '';
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new Error(`A row of ${row.length} values for ${columns.length} columns of ${table}`);
    }
  }
  if (rows.length === 0) return;
  // The parameter number of each column whose value is the same in every row, else 0.
  const sharedValues: SqlValue[] = [];
  const shared = columns.map((_, column) => {
    const value = rows[0][column];
    if (!bindSharedOnce || rows.some((row) => row[column] !== value)) return 0;
    sharedValues.push(value);
    return sharedValues.length;
  });
  const sharedCount = sharedValues.length;
  const own = columns.length - sharedCount;
  const textKey = `${sqlite ? '?' : '$'}${head}${conflict}\n${shared.join(',')}\n`;
  const statement = (chunk: readonly (readonly SqlValue[])[]) => {
    const parameters = [...sharedValues];
    for (const row of chunk) {
      for (let column = 0; column < row.length; column += 1) {
        if (shared[column] === 0) parameters.push(row[column]);
      }
    }
    const sql = statementTexts.get(textKey + chunk.length, () => {
      const values = sqlite
        ? sqliteTuples(shared, sharedCount, chunk.length)
        : postgresTuples(shared, sharedCount, own, chunk.length);
      return head + values + conflict;
    });
    return { sql, parameters };
  };
  if (sqlite && (await insertPipelined(manager, rows, own, statement))) return;
  // As many rows a statement as their own values leave room for (a batch's 300 records in one).
  const perStatement = Math.max(1, Math.floor((MAX_PARAMETERS - sharedCount) / Math.max(own, 1)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const { sql, parameters } = statement(rows.slice(start, start + perStatement));
    await manager.query(sql, parameters);
  }
}

/**
 * The texts of recent multi-row INSERTs, by shape (table, columns, shared values, rows): the same
 * string each time. A batch's statement is ~11 kB of text; written afresh for every statement, it
 * was also hashed afresh by the statement cache's lookup (`sqlite-statements.ts`), where the same
 * string object keeps its hash. Bounded: a shape seen once (an odd row count) is soon forgotten.
 */
class TextMemo {
  private readonly texts = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get(key: string, write: () => string): string {
    let text = this.texts.get(key);
    if (text !== undefined) return text;
    text = write();
    if (this.texts.size >= this.capacity) {
      // The oldest shape goes first (a Map keeps insertion order).
      this.texts.delete(this.texts.keys().next().value as string);
    }
    this.texts.set(key, text);
    return text;
  }
}

const statementTexts = new TextMemo(256);

/**
 * Values of their own a statement of `insertPipelined` binds: 100 as-run records of 15.
 * Small enough that a batch's rows take several statements to overlap, large enough that each
 * statement's own cost (~50 µs) stays small beside its rows'.
 */
const PIPELINED_VALUES = 1500;

/**
 * `insertRows` on SQLite: statements of the same number of rows, run as one prepared statement
 * given all its runs at once, so that the main thread converts the values of the next while
 * SQLite writes the previous (the ingest of 40 communes ~3 % faster than with a batch's 300
 * records in one statement, in turns); the rows left over go last, in a statement of their own.
 * The rows keep their order. False when the statements cannot be kept prepared (the caller then
 * writes them as usual).
 */
async function insertPipelined(
  manager: EntityManager,
  rows: readonly (readonly SqlValue[])[],
  own: number,
  statement: (chunk: readonly (readonly SqlValue[])[]) => { sql: string; parameters: SqlValue[] },
): Promise<boolean> {
  const perStatement = Math.max(1, Math.floor(PIPELINED_VALUES / Math.max(own, 1)));
  const whole = rows.length - (rows.length % perStatement);
  const runs: Promise<unknown>[] = [];
  // Null only for the first (a connection that is not SQLite's, or a statement too long to
  // keep): nothing is written then, and the caller writes the rows its usual way.
  const run = (chunk: readonly (readonly SqlValue[])[]) => {
    const { sql, parameters } = statement(chunk);
    const running = runPrepared(manager, sql, parameters, 'run');
    if (!running && runs.length > 0) throw new Error(`A statement of ${sql.length} characters`);
    return running;
  };
  for (let start = 0; start < whole; start += perStatement) {
    const running = run(rows.slice(start, start + perStatement));
    if (!running) return false;
    runs.push(running);
  }
  await settleAll(runs);
  if (whole < rows.length) {
    const running = run(rows.slice(whole));
    if (!running) return false;
    await running;
  }
  return true;
}

/**
 * `Promise.all` for statements of one transaction given at once (independent writes, reads
 * that need nothing of them): every one settles before the first failure is thrown, so none is
 * still running, or left unawaited, when the transaction rolls back. On SQLite they queue on the
 * connection and run one after another without waiting for the main thread between them; on
 * PostgreSQL the transaction's connection sends each once the one before has been answered, in
 * the order given (`serialPgClient`).
 */
export async function settleAll<T extends readonly unknown[]>(
  runs: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const outcomes: PromiseSettledResult<unknown>[] = await Promise.allSettled(
    runs as readonly Promise<unknown>[],
  );
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as [...T];
}

/**
 * The VALUES tuples on SQLite: every tuple is the same text, a bare `?` for each value of its own
 * and `?n` for a shared one, except that with shared values the first tuple numbers its own too.
 * SQLite gives a bare `?` the largest number given so far plus one, so once the first tuple has
 * numbered the shared values and its own, the bare ones follow in row order. The text is built
 * once a statement, not once a value (a batch's statement has thousands).
 */
function sqliteTuples(shared: readonly number[], sharedCount: number, rowCount: number): string {
  const tuples = Array<string>(rowCount).fill(
    `(${shared.map((number) => (number ? `?${number}` : '?')).join(', ')})`,
  );
  if (sharedCount > 0) tuples[0] = numberedTuple(shared, '?', sharedCount);
  return tuples.join(', ');
}

/** The VALUES tuples on PostgreSQL, where every parameter is numbered (`$3`). */
function postgresTuples(
  shared: readonly number[],
  sharedCount: number,
  own: number,
  rowCount: number,
): string {
  const tuples: string[] = [];
  for (let row = 0; row < rowCount; row += 1) {
    tuples.push(numberedTuple(shared, '$', sharedCount + row * own));
  }
  return tuples.join(', ');
}

/** A tuple naming every value by number: a shared one by its own, the row's from `after` + 1 on. */
function numberedTuple(shared: readonly number[], sign: '?' | '$', after: number): string {
  let next = after;
  return `(${shared.map((number) => `${sign}${number || (next += 1)}`).join(', ')})`;
}

/**
 * Reads rows with a plain SQL query (`?` placeholders) in the caller's transaction, as the driver
 * returns them: no entity is built. Column aliases and value conversions are the caller's
 * (PostgreSQL returns `bigint` and `numeric` as strings, booleans as booleans; SQLite 0/1).
 */
export async function selectRows<Row>(
  manager: EntityManager,
  sql: string,
  parameters: readonly SqlValue[],
): Promise<Row[]> {
  const prepared = runPrepared<Row>(manager, sql, parameters, 'all');
  if (prepared) return (await prepared).rows;
  return manager.query<Row[]>(positional(manager, sql), [...parameters]);
}

/** `?, ?, …`: one placeholder per value, for `IN (…)`. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
