import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/** Keys for the open statistics feed, scoped to a province (only their SHA-256 kept). */
export class ApiKeys1764900000510 implements MigrationInterface {
  name = 'ApiKeys1764900000510';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_key',
        columns: [
          col.id(),
          col.varchar('province_code', 2),
          col.varchar('name', 200),
          { ...col.varchar('key_hash', 64), isUnique: true },
          col.varchar('created_by', 36),
          col.instant('created_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_key');
  }
}
