import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/** Speaker clusters (devices) of the communes, their credentials, status and commands. */
export class Fleet1764800000000 implements MigrationInterface {
  name = 'Fleet1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'device',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.varchar('province_code', 2),
          col.varchar('name', 100),
          col.text('zones'),
          col.real('location_lat', true),
          col.real('location_lon', true),
          col.varchar('location_note', 200, true),
          col.varchar('enrolment_code_hash', 64, true),
          col.instant('enrolment_expires_at', true),
          col.instant('enrolment_used_at', true),
          col.varchar('public_key', 44, true),
          col.varchar('api_token_hash', 64, true),
          col.varchar('mqtt_password_hash', 64, true),
          col.instant('enrolled_at', true),
          col.varchar('state', 16, true),
          col.instant('last_seen_at', true),
          col.varchar('playing_item_id', 64, true),
          col.instant('playing_started_at', true),
          col.integer('clock_skew_ms', true),
          col.instant('cached_until', true),
          col.integer('volume', true),
          col.varchar('power', 3, true),
          col.varchar('version', 64, true),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['commune_code'] }),
          new TableIndex({ columnNames: ['province_code'] }),
          new TableIndex({ columnNames: ['enrolment_code_hash'], isUnique: true }),
          new TableIndex({ columnNames: ['api_token_hash'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'device_command',
        columns: [
          col.id(),
          col.varchar('device_id', 36),
          col.varchar('commune_code', 5),
          col.varchar('type', 20),
          col.text('params'),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('acknowledged_at', true),
          { name: 'ok', type: 'boolean', isNullable: true },
          col.text('error', true),
        ],
        indices: [new TableIndex({ columnNames: ['device_id', 'created_at'] })],
        foreignKeys: [
          {
            columnNames: ['device_id'],
            referencedTableName: 'device',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('device_command');
    await queryRunner.dropTable('device');
  }
}
