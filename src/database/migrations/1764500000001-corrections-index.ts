import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Finding the record that corrects a given one (`corrects_seq = ?` within a commune) is what the
 * roll-ups, the drill-down and the records-in-effect check ask on every import: without an index
 * each question scanned the commune's whole log.
 */
export class CorrectionsIndex1764500000001 implements MigrationInterface {
  name = 'CorrectionsIndex1764500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'playout_record',
      new TableIndex({ columnNames: ['commune_code', 'corrects_seq'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = await queryRunner.getTable('playout_record');
    const index = table?.indices.find(
      (candidate) => candidate.columnNames.join() === 'commune_code,corrects_seq',
    );
    if (index) await queryRunner.dropIndex('playout_record', index);
  }
}
