import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Mutex } from '../common/mutex';

/**
 * The one way to write. SQLite gives TypeORM a single connection, so two overlapping
 * transactions would interleave on it ("cannot start a transaction within a transaction");
 * writes are therefore serialized in-process there. PostgreSQL runs them concurrently.
 */
@Injectable()
export class Db {
  private readonly writeLock = new Mutex();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSqlite) {
      return this.writeLock.run(() => this.dataSource.transaction(work));
    }
    return this.dataSource.transaction(work);
  }
}
