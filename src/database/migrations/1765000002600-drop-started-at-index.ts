import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The first migration's index on `playout_record (started_at)` alone, as TypeORM named it. */
const INDEX = 'IDX_e43065a1307ef7d9470eb83bea';

/**
 * Every read of as-run records by time is a commune's or a province's (`commune_code = ?` or
 * `IN (…)`, then `started_at`), which `(commune_code, started_at)` serves; the index on
 * `started_at` alone served none, and every append paid for it: a batch's records, spread over
 * its days, landed on leaf pages of the whole province's days (a province-month ingested in
 * 11.3–12.2 s without it against 12.9–13.9 s with it, bench/reports.bench.ts).
 */
export class DropStartedAtIndex1765000002600 implements MigrationInterface {
  name = 'DropStartedAtIndex1765000002600';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = await queryRunner.getTable('playout_record');
    const index = table?.indices.find(
      (candidate) => candidate.columnNames.join() === 'started_at' && !candidate.where,
    );
    if (index) await queryRunner.dropIndex('playout_record', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'playout_record',
      new TableIndex({ name: INDEX, columnNames: ['started_at'] }),
    );
  }
}
