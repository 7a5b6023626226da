import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * Approval review: a bulletin the approver sent back (who, when, why; it stays a draft and leaves
 * the inbox until the operator changes it), and each user's notices (a bulletin of theirs was
 * approved or sent back), read or not.
 */
export class ApprovalReview1765000001500 implements MigrationInterface {
  name = 'ApprovalReview1765000001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('bulletin', [
      new TableColumn(col.instant('sent_back_at', true)),
      new TableColumn(col.varchar('sent_back_by', 36, true)),
      new TableColumn(col.text('sent_back_reason', true)),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'user_notice',
        columns: [
          col.id(),
          col.varchar('user_id', 36),
          col.varchar('kind', 32),
          col.varchar('bulletin_id', 36, true),
          col.varchar('title', 200),
          col.text('reason', true),
          col.varchar('actor_id', 36, true),
          col.varchar('actor_name', 120, true),
          col.instant('created_at'),
          col.instant('read_at', true),
        ],
        indices: [new TableIndex({ columnNames: ['user_id', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_notice');
    await queryRunner.dropColumns('bulletin', ['sent_back_reason', 'sent_back_by', 'sent_back_at']);
  }
}
