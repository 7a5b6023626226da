import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Relays (tiếp âm): a province's stream sources (a JSON list of URLs, primary first, and an
 * optional fallback bulletin); schedule items that relay a source instead of playing a bulletin
 * (`source_id`, their own `topics`, and so a nullable `bulletin_id`); and the segments of a
 * relay's as-run record (JSON, null for every other record).
 */
export class RelaySources1765000000800 implements MigrationInterface {
  name = 'RelaySources1765000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'stream_source',
        columns: [
          col.id(),
          col.varchar('province_code', 2),
          col.varchar('name', 200),
          col.text('urls'),
          col.varchar('fallback_bulletin_id', 36, true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['province_code', 'name'] })],
      }),
    );
    await queryRunner.changeColumn(
      'schedule_item',
      'bulletin_id',
      new TableColumn(col.varchar('bulletin_id', 36, true)),
    );
    await queryRunner.addColumns('schedule_item', [
      new TableColumn(col.varchar('source_id', 36, true)),
      new TableColumn(col.text('topics', true)),
    ]);
    await queryRunner.createIndex('schedule_item', new TableIndex({ columnNames: ['source_id'] }));
    await queryRunner.addColumn('playout_record', new TableColumn(col.text('segments', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('playout_record', 'segments');
    const table = await queryRunner.getTable('schedule_item');
    const index = table?.indices.find((found) => found.columnNames.join() === 'source_id');
    if (index) await queryRunner.dropIndex('schedule_item', index);
    await queryRunner.dropColumns('schedule_item', ['topics', 'source_id']);
    await queryRunner.query(`DELETE FROM schedule_item WHERE bulletin_id IS NULL`);
    await queryRunner.changeColumn(
      'schedule_item',
      'bulletin_id',
      new TableColumn(col.varchar('bulletin_id', 36)),
    );
    await queryRunner.dropTable('stream_source');
  }
}
