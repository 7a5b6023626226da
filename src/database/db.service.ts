import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Mutex } from '../common/mutex';
import { SQLITE_PRAGMAS } from './data-source-options';

/**
 * The one way to write. SQLite gives TypeORM a single connection, so two overlapping
 * transactions would interleave on it ("cannot start a transaction within a transaction");
 * writes are therefore serialized in-process there. PostgreSQL runs them concurrently.
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
      return this.writeLock.run(() => this.dataSource.transaction(work), options);
    }
    return this.dataSource.transaction(work);
  }
}
