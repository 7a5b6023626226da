import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Mutex } from '../common/mutex';
import { execute } from './bulk-insert';
import { MIGRATIONS_TABLE, SQLITE_PRAGMAS } from './data-source-options';

/**
 * A write that changes nothing, the first statement of every write transaction on SQLite: the
 * transaction takes the database's write lock at once, waiting for it as long as `busy_timeout`
 * allows, as `BEGIN IMMEDIATE` would (TypeORM begins deferred). A deferred transaction takes the
 * lock at its first write; if it read before, and another process committed since (the demo's
 * command while the service runs, a role in a process of its own), SQLite refuses at once with
 * SQLITE_BUSY: what it read is stale, and no waiting helps.
 */
const CLAIM_WRITE_LOCK = `UPDATE ${MIGRATIONS_TABLE} SET id = id WHERE 0`;

/**
 * The one way to write. SQLite gives TypeORM a single connection, so two overlapping
 * transactions would interleave on it ("cannot start a transaction within a transaction");
 * writes are therefore serialized in-process there, each holding the database's write lock from
 * its start (`CLAIM_WRITE_LOCK`). PostgreSQL runs them concurrently.
 */
@Injectable()
export class Db implements OnModuleInit {
  private readonly writeLock = new Mutex();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** TypeORM keeps one SQLite connection, so its settings are made once, here. */
  async onModuleInit(): Promise<void> {
    if (!this.isSqlite) return;
    for (const pragma of SQLITE_PRAGMAS) {
      await this.dataSource.query(`PRAGMA ${pragma}`);
    }
  }

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `work` as `write` does and rolls it back: what a change would do, left unwritten. */
  async rehearse<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const rollback = new Error('rehearsal');
    let outcome: { value: T } | undefined;
    try {
      await this.write(async (manager) => {
        outcome = { value: await work(manager) };
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
    return outcome!.value;
  }

  /**
   * `urgent`: a write that something on the air waits for (a play's claim before its start) goes
   * ahead of the writes queued on SQLite (as-run records, heartbeats), which can wait.
   */
  write<T>(
    work: (manager: EntityManager) => Promise<T>,
    options: { urgent?: boolean } = {},
  ): Promise<T> {
    if (this.isSqlite) {
      return this.writeLock.run(
        () =>
          this.dataSource.transaction(async (manager) => {
            await execute(manager, CLAIM_WRITE_LOCK, []);
            return work(manager);
          }),
        options,
      );
    }
    return this.dataSource.transaction(work);
  }
}
