import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * The zones each cluster had from one time to another, so that an item is judged sent to it (its
 * receipt accepted, the commune's record waiting for it) by the zones it had while the item ran,
 * not by the zones it has when it uploads: editing a cluster's zones refused its receipts of the
 * items sent under the old ones, and the refusal stopped its chain. Until now only the current
 * zones were kept.
 *
 * Every device's current zones are carried over as one span from its creation (the changes before
 * were not kept anywhere).
 */
export class DeviceZoneSpans1765000003400 implements MigrationInterface {
  name = 'DeviceZoneSpans1765000003400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'device_zone_span',
        columns: [
          { ...col.varchar('device_id', 36), isPrimary: true },
          { ...col.integer('seq'), isPrimary: true },
          col.text('zones'),
          col.instant('started_at'),
          col.instant('ended_at', true),
        ],
      }),
    );
    await queryRunner.query(
      'INSERT INTO device_zone_span (device_id, seq, zones, started_at, ended_at) ' +
        'SELECT id, 1, zones, created_at, NULL FROM device',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // `device.zones` still holds each cluster's current zones: nothing else to restore.
    await queryRunner.dropTable('device_zone_span');
  }
}
