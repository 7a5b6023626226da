import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Zones on the program log: an item may go to some of the commune's zones only (a JSON list of
 * zone codes); null, as for every item so far, means every device of the commune.
 */
export class ScheduleZones1764900000000 implements MigrationInterface {
  name = 'ScheduleZones1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('schedule_item', new TableColumn(col.text('zones', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('schedule_item', 'zones');
  }
}
