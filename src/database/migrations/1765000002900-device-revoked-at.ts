import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * When a cluster's credentials were revoked (`DELETE …/credentials`, or a new enrolment code);
 * null while it holds credentials, cleared when it enrols again. An item that starts after it is
 * not sent to the cluster, so its commune's record does not wait for the cluster's receipt.
 * Clusters revoked before this column existed take their last change (`updated_at`): their
 * revocation or a later edit, never earlier than the revocation, so no item that started while
 * they were enrolled stops counting them.
 */
export class DeviceRevokedAt1765000002900 implements MigrationInterface {
  name = 'DeviceRevokedAt1765000002900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('device', new TableColumn(col.instant('revoked_at', true)));
    await queryRunner.query(
      'UPDATE device SET revoked_at = updated_at ' +
        'WHERE enrolled_at IS NOT NULL AND api_token_hash IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('device', 'revoked_at');
  }
}
