import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * A device's receipt of a relay carries its segments (protocol 2), signed with the rest: kept as
 * the JSON the device sent (null for every bulletin's receipt and every protocol 1 receipt).
 */
export class ReceiptSegments1765000001200 implements MigrationInterface {
  name = 'ReceiptSegments1765000001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('device_receipt', new TableColumn(col.text('segments', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('device_receipt', 'segments');
  }
}
