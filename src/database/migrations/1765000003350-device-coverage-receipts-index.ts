import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

const NAME = 'IDX_playout_record_device_coverage';

/**
 * The clusters' coverage sums every record built from receipts, a live announcement's on the
 * clusters (`source` live) as well as an item's (`source` devices): what marks them is the
 * devices' counts (`devices_targeted` set), not the source. The partial index keeps the same
 * predicate as the sum, so the sum still reads only those records. Nothing stored changes:
 * coverage is summed from the log, not rolled up.
 */
export class DeviceCoverageReceiptsIndex1765000003350 implements MigrationInterface {
  name = 'DeviceCoverageReceiptsIndex1765000003350';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.replace(queryRunner, 'devices_targeted IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.replace(queryRunner, "source = 'devices'");
  }

  private async replace(queryRunner: QueryRunner, where: string): Promise<void> {
    await queryRunner.dropIndex('playout_record', NAME);
    await queryRunner.createIndex(
      'playout_record',
      new TableIndex({ name: NAME, columnNames: ['commune_code', 'started_at'], where }),
    );
  }
}
