import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

const KEY = (column: ReturnType<typeof col.varchar>) => ({ ...column, isPrimary: true });

/**
 * The roll-ups laid out for the province reports: `airtime_daily` keyed commune, topic, date
 * (so a province-month sum reads each commune × topic as one range), both roll-up tables
 * clustered on their key (SQLite `WITHOUT ROWID`), and `airtime_topic_set`, the topic sets seen,
 * so campaign airtime filters sets by key instead of matching text. Roll-ups are derived data:
 * they are recreated empty, with no roll-up state, and the catch-up (next append, next report,
 * or the maintenance job) rolls the whole log up again.
 */
export class RollupLayout1764500000002 implements MigrationInterface {
  name = 'RollupLayout1764500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['airtime_daily', 'airtime_daily_set', 'airtime_rollup_state']) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.createTable(
      new Table({
        name: 'airtime_daily',
        withoutRowid: true,
        columns: [
          KEY(col.varchar('commune_code', 5)),
          KEY(col.varchar('topic_code', 40)),
          KEY(col.localDate('local_date')),
          col.integer('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'airtime_daily_set',
        withoutRowid: true,
        columns: [
          KEY(col.varchar('commune_code', 5)),
          KEY(col.localDate('local_date')),
          KEY(col.varchar('topic_set', 900)),
          col.integer('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({ name: 'airtime_topic_set', columns: [KEY(col.varchar('topic_set', 900))] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'airtime_rollup_state',
        columns: [
          KEY(col.varchar('commune_code', 5)),
          col.integer('rolled_seq'),
          col.instant('rebuilt_at', true),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'airtime_rollup_state',
      'airtime_topic_set',
      'airtime_daily_set',
      'airtime_daily',
    ]) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.createTable(
      new Table({
        name: 'airtime_daily',
        columns: [
          KEY(col.varchar('commune_code', 5)),
          KEY(col.localDate('local_date')),
          KEY(col.varchar('topic_code', 40)),
          col.integer('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'airtime_daily_set',
        columns: [
          KEY(col.varchar('commune_code', 5)),
          KEY(col.localDate('local_date')),
          KEY(col.varchar('topic_set', 900)),
          col.integer('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'airtime_rollup_state',
        columns: [
          KEY(col.varchar('commune_code', 5)),
          col.integer('rolled_seq'),
          col.instant('rebuilt_at', true),
        ],
      }),
    );
  }
}
