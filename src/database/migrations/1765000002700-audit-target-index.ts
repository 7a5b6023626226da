import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The approver's inbox shows, for each bulletin it lists, the send-backs the audit trail recorded
 * for it (when, by whom, why): one query of the audit events of those bulletins and that action,
 * which without this index would read every event ever recorded.
 */
export class AuditTargetIndex1765000002700 implements MigrationInterface {
  name = 'AuditTargetIndex1765000002700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'audit_event',
      new TableIndex({ name: 'IDX_audit_event_target', columnNames: ['target_id', 'action'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_event', 'IDX_audit_event_target');
  }
}
