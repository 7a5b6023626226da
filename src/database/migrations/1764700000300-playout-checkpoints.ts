import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/** Signed checkpoints of the communes' as-run hash chains (anchors outside the database's reach). */
export class PlayoutCheckpoints1764700000300 implements MigrationInterface {
  name = 'PlayoutCheckpoints1764700000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'playout_checkpoint',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.integer('seq'),
          col.varchar('hash', 64),
          col.instant('signed_at'),
          col.varchar('key_id', 16),
          col.varchar('signature', 88),
          col.varchar('created_by', 36, true),
        ],
        indices: [new TableIndex({ columnNames: ['commune_code', 'seq'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('playout_checkpoint');
  }
}
