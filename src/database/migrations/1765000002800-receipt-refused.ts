import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * A genuine receipt whose play could not have happened (docs/device-protocol.md § 5: `future`,
 * `off-time`, `too-long`, `cancelled`) is kept in its device's chain, so the chain goes on, with
 * the problem it was refused for; such a receipt never counts as airtime. Null: counted.
 */
export class ReceiptRefused1765000002800 implements MigrationInterface {
  name = 'ReceiptRefused1765000002800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'device_receipt',
      new TableColumn(col.varchar('refused', 16, true)),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('device_receipt', 'refused');
  }
}
