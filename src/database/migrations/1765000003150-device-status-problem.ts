import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * The last status message a cluster sent that the server could not take (not JSON, a volume of
 * 150…): what was wrong and when. It was only logged, and the operator saw a talking box as
 * never seen. Null: none since it was registered.
 */
export class DeviceStatusProblem1765000003150 implements MigrationInterface {
  name = 'DeviceStatusProblem1765000003150';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('device', [
      new TableColumn(col.varchar('status_problem', 200, true)),
      new TableColumn(col.instant('status_problem_at', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('device', ['status_problem', 'status_problem_at']);
  }
}
