import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Play receipts of the devices (signed, chained per device), and on each as-run record built
 * from them the coverage of the commune's devices (`devices`, JSON; null for other records).
 */
export class DeviceReceipts1764900000400 implements MigrationInterface {
  name = 'DeviceReceipts1764900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'device_receipt',
        columns: [
          { ...col.varchar('device_id', 36), isPrimary: true },
          { ...col.integer('seq'), isPrimary: true },
          col.varchar('commune_code', 5),
          col.varchar('schedule_item_id', 36),
          col.instant('started_at', true),
          col.instant('ended_at', true),
          col.integer('played_ms'),
          col.varchar('outcome', 10),
          col.text('reason', true),
          col.varchar('prev_hash', 64),
          col.varchar('hash', 64),
          col.varchar('signature', 88),
          col.instant('received_at'),
          col.integer('record_seq', true),
        ],
        indices: [
          new TableIndex({ columnNames: ['schedule_item_id'] }),
          new TableIndex({ columnNames: ['commune_code', 'record_seq'] }),
        ],
      }),
    );
    await queryRunner.addColumn('playout_record', new TableColumn(col.text('devices', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('playout_record', 'devices');
    await queryRunner.dropTable('device_receipt');
  }
}
