import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Reports: daily airtime roll-ups of the as-run log (per topic and per topic set), how far each
 * commune's roll-ups go, and the last hash-chain check of each commune. All derived from
 * `playout_record`: they can be dropped and rebuilt (`POST /reports/rollups/rebuild`).
 */
export class Reports1764500000000 implements MigrationInterface {
  name = 'Reports1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'airtime_daily',
        columns: [
          { ...col.varchar('commune_code', 5), isPrimary: true },
          { ...col.localDate('local_date'), isPrimary: true },
          { ...col.varchar('topic_code', 40), isPrimary: true },
          col.integer('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'airtime_daily_set',
        columns: [
          { ...col.varchar('commune_code', 5), isPrimary: true },
          { ...col.localDate('local_date'), isPrimary: true },
          { ...col.varchar('topic_set', 900), isPrimary: true },
          col.integer('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'airtime_rollup_state',
        columns: [
          { ...col.varchar('commune_code', 5), isPrimary: true },
          col.integer('rolled_seq'),
          col.instant('rebuilt_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chain_check',
        columns: [
          { ...col.varchar('commune_code', 5), isPrimary: true },
          col.integer('last_seq'),
          col.boolean('ok', false),
          col.integer('count'),
          col.integer('broken_at_seq', true),
          col.instant('checked_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'chain_check',
      'airtime_rollup_state',
      'airtime_daily_set',
      'airtime_daily',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
