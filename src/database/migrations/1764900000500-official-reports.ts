import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/** Official reports: the drafts of their words, and each province's certificate that signs them. */
export class OfficialReports1764900000500 implements MigrationInterface {
  name = 'OfficialReports1764900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'official_report_draft',
        columns: [
          col.id(),
          col.varchar('campaign_code', 40),
          col.varchar('province_code', 2),
          col.varchar('commune_code', 5, true),
          col.localDate('from_date', true),
          col.localDate('to_date', true),
          col.text('text'),
          col.varchar('created_by', 36),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'signing_certificate',
        columns: [
          { ...col.varchar('province_code', 2), isPrimary: true },
          col.text('p12'),
          col.text('password_cipher'),
          col.varchar('subject', 500),
          col.instant('not_after'),
          col.varchar('uploaded_by', 36),
          col.instant('uploaded_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('signing_certificate');
    await queryRunner.dropTable('official_report_draft');
  }
}
