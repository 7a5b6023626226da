import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The compliance report's cluster coverage sums the records built from receipts (`source =
 * 'devices'`) of each commune over the range: a partial index holds only those, so the sum no
 * longer reads every record of the range to look at its source (a province-month report went
 * from ~11 ms to ~85 ms in process when coverage was added).
 */
export class DeviceCoverageIndex1765000002500 implements MigrationInterface {
  name = 'DeviceCoverageIndex1765000002500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'playout_record',
      new TableIndex({
        name: 'IDX_playout_record_device_coverage',
        columnNames: ['commune_code', 'started_at'],
        where: "source = 'devices'",
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('playout_record', 'IDX_playout_record_device_coverage');
  }
}
