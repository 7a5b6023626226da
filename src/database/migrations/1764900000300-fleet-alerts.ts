import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Fleet alerts (a cluster offline in an on-air window, a short cache, a skewed clock, …). The
 * unique `open_key` (null once cleared; both engines let nulls repeat) keeps one open alert per
 * (commune, kind, device, subject).
 */
export class FleetAlerts1764900000300 implements MigrationInterface {
  name = 'FleetAlerts1764900000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'fleet_alert',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.varchar('province_code', 2),
          col.varchar('kind', 24),
          col.varchar('device_id', 36, true),
          col.varchar('subject', 100),
          col.text('message'),
          col.instant('since'),
          col.instant('cleared_at', true),
          col.varchar('open_key', 200, true),
        ],
        indices: [
          new TableIndex({ columnNames: ['commune_code', 'since'] }),
          new TableIndex({ columnNames: ['province_code', 'since'] }),
          new TableIndex({ columnNames: ['open_key'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('fleet_alert');
  }
}
