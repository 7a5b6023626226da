import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/** The broadcast policies provinces and communes set (src/schedule/broadcast-policy.ts). */
export class BroadcastPolicy1765000000700 implements MigrationInterface {
  name = 'BroadcastPolicy1765000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'broadcast_policy',
        columns: [
          { ...col.varchar('scope', 8), isPrimary: true },
          { ...col.varchar('code', 5), isPrimary: true },
          col.text('rules'),
          col.varchar('updated_by', 36, true),
          col.instant('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('broadcast_policy');
  }
}
