import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Whether each cluster an emergency targeted was enrolled when it was sent. A registered cluster
 * that has not enrolled is sent the emergency too (it gets it if it enrols and connects while the
 * emergency is on air), but until then it can receive nothing and the commune's record does not
 * count it: the delivery shows it apart from the clusters that were offline. Rows written before
 * this column: a cluster that has still never enrolled was not enrolled then; any other is taken
 * as enrolled (its enrolment may have been renewed since, so its date tells nothing), as the
 * delivery showed it so far.
 */
export class EmergencyDeviceEnrolled1765000003250 implements MigrationInterface {
  name = 'EmergencyDeviceEnrolled1765000003250';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'emergency_device',
      new TableColumn(col.boolean('enrolled_when_sent', true)),
    );
    await queryRunner.query(
      'UPDATE emergency_device SET enrolled_when_sent = FALSE ' +
        'WHERE device_id IN (SELECT id FROM device WHERE enrolled_at IS NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('emergency_device', 'enrolled_when_sent');
  }
}
