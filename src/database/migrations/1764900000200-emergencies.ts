import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Emergencies sent to the fleet: one row per emergency (a commune's or a province's), and one per
 * targeted device with its command, whether it was online when sent, its acknowledgement and the
 * time it started playing.
 */
export class Emergencies1764900000200 implements MigrationInterface {
  name = 'Emergencies1764900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'emergency',
        columns: [
          col.id(),
          col.varchar('scope', 10),
          col.varchar('province_code', 2),
          col.varchar('commune_code', 5, true),
          col.varchar('bulletin_id', 36),
          col.text('zones', true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('ends_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['commune_code', 'created_at'] }),
          new TableIndex({ columnNames: ['province_code', 'created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'emergency_device',
        columns: [
          { ...col.varchar('emergency_id', 36), isPrimary: true },
          { ...col.varchar('device_id', 36), isPrimary: true },
          col.varchar('commune_code', 5),
          col.varchar('device_name', 100),
          col.varchar('schedule_item_id', 36),
          col.varchar('command_id', 36),
          { name: 'online_when_sent', type: 'boolean', isNullable: false },
          col.instant('acknowledged_at', true),
          { name: 'ok', type: 'boolean', isNullable: true },
          col.text('error', true),
          col.instant('started_at', true),
        ],
        indices: [
          new TableIndex({ columnNames: ['command_id'], isUnique: true }),
          new TableIndex({ columnNames: ['device_id', 'schedule_item_id'] }),
          new TableIndex({ columnNames: ['commune_code', 'emergency_id'] }),
        ],
        foreignKeys: [
          {
            columnNames: ['emergency_id'],
            referencedTableName: 'emergency',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('emergency_device');
    await queryRunner.dropTable('emergency');
  }
}
