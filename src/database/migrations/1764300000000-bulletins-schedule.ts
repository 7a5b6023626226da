import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { col } from '../migration-helpers';

/** Bulletins and their topics, on-air windows, the program log and its per-commune lock row. */
export class BulletinsSchedule1764300000000 implements MigrationInterface {
  name = 'BulletinsSchedule1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'bulletin',
        columns: [
          col.id(),
          col.varchar('owner_code', 5),
          col.varchar('commune_code', 5, true),
          col.varchar('province_code', 2),
          col.varchar('title', 200),
          col.text('body', true),
          col.varchar('audio_id', 36),
          col.varchar('priority', 12),
          col.varchar('status', 12),
          col.varchar('approved_by', 36, true),
          col.instant('approved_at', true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('updated_at'),
          col.boolean('demo', false),
        ],
        indices: [
          { columnNames: ['commune_code', 'status'] },
          { columnNames: ['province_code', 'status'] },
          { columnNames: ['audio_id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'bulletin_topic',
        columns: [
          { ...col.varchar('bulletin_id', 36), isPrimary: true },
          { ...col.varchar('topic_code', 40), isPrimary: true },
        ],
        indices: [{ columnNames: ['topic_code'] }],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['bulletin_id'],
            referencedTableName: 'bulletin',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'broadcast_window',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.varchar('name', 100),
          col.varchar('days_of_week', 7),
          col.varchar('start_time', 5),
          col.integer('duration_minutes'),
          col.localDate('valid_from', true),
          col.localDate('valid_to', true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('updated_at'),
          col.boolean('demo', false),
        ],
        indices: [{ columnNames: ['commune_code'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'schedule_item',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.varchar('bulletin_id', 36),
          col.instant('starts_at'),
          col.instant('ends_at'),
          col.integer('duration_ms'),
          col.varchar('status', 12),
          col.varchar('source', 12),
          col.varchar('cancel_reason', 200, true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('updated_at'),
          col.boolean('demo', false),
        ],
        indices: [
          { columnNames: ['commune_code', 'starts_at'] },
          { columnNames: ['status', 'starts_at'] },
          { columnNames: ['bulletin_id'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['bulletin_id'],
            referencedTableName: 'bulletin',
            referencedColumnNames: ['id'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'commune_schedule',
        columns: [
          { ...col.varchar('commune_code', 5), isPrimary: true },
          col.integer('version', false, 0),
          col.varchar('ics_token_hash', 64, true),
          col.instant('ics_token_created_at', true),
          col.instant('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'commune_schedule',
      'schedule_item',
      'broadcast_window',
      'bulletin_topic',
      'bulletin',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
