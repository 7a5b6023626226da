import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Campaigns belong to a province (its monitors edit them) or to the nation (`province_code`
 * null, admins edit them). Every campaign so far was global: each becomes national.
 */
export class CampaignProvince1764700000200 implements MigrationInterface {
  name = 'CampaignProvince1764700000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('campaign', new TableColumn(col.varchar('province_code', 2, true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('campaign', 'province_code');
  }
}
