import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * A bulletin's revision: 1 when created, one more at each edit that changes what it says or how
 * (title, text, audio, topics, priority). An approver's review names the revision they listened to
 * and read, so an edit made while their page was open is refused instead of approved unheard.
 * `updated_at` cannot tell: the approval and send-back also set it, and two edits in one
 * millisecond (or under a clock set back) would leave it the same. Existing bulletins start at 1.
 */
export class BulletinRevision1765000003532 implements MigrationInterface {
  name = 'BulletinRevision1765000003532';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('bulletin', new TableColumn(col.integer('revision', false, 1)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('bulletin', 'revision');
  }
}
