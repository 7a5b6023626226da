import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Each enrolment of a cluster (its public key, when it began, when and how it ended), so that a
 * receipt is checked with the key of the enrolment its item was sent under: a box re-keyed or
 * revoked and enrolled again still has its receipts of earlier items counted, and an old key
 * vouches for nothing sent after its enrolment ended. Until now only the current key was kept.
 *
 * Every enrolled cluster's current enrolment is carried over from `device` (enrolments before it
 * were not kept anywhere). A revoked one has ended at `revoked_at`: `re-keyed` when a new code
 * waits unused (a new code was issued), `revoked` otherwise.
 */
export class DeviceEnrolments1765000003300 implements MigrationInterface {
  name = 'DeviceEnrolments1765000003300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'device_enrolment',
        columns: [
          { ...col.varchar('device_id', 36), isPrimary: true },
          { ...col.integer('seq'), isPrimary: true },
          col.varchar('public_key', 44),
          col.instant('enrolled_at'),
          col.instant('ended_at', true),
          col.varchar('ended_by', 16, true),
        ],
      }),
    );
    await queryRunner.query(
      'INSERT INTO device_enrolment (device_id, seq, public_key, enrolled_at, ended_at, ended_by) ' +
        'SELECT id, 1, public_key, enrolled_at, revoked_at, ' +
        'CASE WHEN revoked_at IS NULL THEN NULL ' +
        "WHEN enrolment_used_at IS NULL THEN 're-keyed' ELSE 'revoked' END " +
        'FROM device WHERE enrolled_at IS NOT NULL AND public_key IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // `device` still holds each cluster's latest enrolment: nothing else to restore.
    await queryRunner.dropTable('device_enrolment');
  }
}
