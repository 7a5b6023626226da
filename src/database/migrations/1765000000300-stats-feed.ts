import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * The statistics feed's clusters online (one row per cluster and local day it sent a live
 * status) and its daily push: a target per province (URL, sealed secret) and every delivery,
 * one row per province, day and revision.
 */
export class StatsFeed1765000000300 implements MigrationInterface {
  name = 'StatsFeed1765000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'device_presence',
        columns: [
          { ...col.varchar('device_id', 36), isPrimary: true },
          { ...col.localDate('local_date'), isPrimary: true },
          col.varchar('commune_code', 5),
          col.varchar('province_code', 2),
          col.instant('first_seen_at'),
        ],
        indices: [new TableIndex({ columnNames: ['commune_code', 'local_date'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'stats_push_target',
        columns: [
          { ...col.varchar('province_code', 2), isPrimary: true },
          col.varchar('url', 2000),
          col.text('secret_cipher'),
          col.localDate('starts_on'),
          col.varchar('updated_by', 36, true),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'stats_push_delivery',
        columns: [
          col.id(),
          col.varchar('province_code', 2),
          col.localDate('local_date'),
          col.integer('revision'),
          col.varchar('content_hash', 64),
          col.text('body'),
          col.varchar('status', 12),
          col.integer('attempts', false, 0),
          col.integer('last_status_code', true),
          col.varchar('last_error', 500, true),
          col.instant('last_attempt_at', true),
          col.instant('delivered_at', true),
          col.instant('created_at'),
        ],
        indices: [
          new TableIndex({
            columnNames: ['province_code', 'local_date', 'revision'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('stats_push_delivery');
    await queryRunner.dropTable('stats_push_target');
    await queryRunner.dropTable('device_presence');
  }
}
