import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The approver's inbox shows, for each bulletin it lists, the send-backs the audit trail recorded
 * for it (when, by whom, why): one query of the send-back events of those bulletins, which
 * without this index would read every event ever recorded. Partial: the send-backs only, so that
 * the audit rows the as-run log writes (one a record) add no entry to it.
 */
export class AuditSendBackIndex1765000002700 implements MigrationInterface {
  name = 'AuditSendBackIndex1765000002700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'audit_event',
      new TableIndex({
        name: 'IDX_audit_event_send_back',
        columnNames: ['target_id'],
        where: "action = 'bulletin.sent-back'",
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_event', 'IDX_audit_event_send_back');
  }
}
