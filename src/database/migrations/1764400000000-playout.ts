import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * The as-run log (append-only, hash-chained per commune), its per-commune chain head, imports,
 * and the players' claims. No foreign keys to the program log or bulletins: a record is a
 * historical fact that must stay readable and verifiable whatever happens to them later.
 */
export class Playout1764400000000 implements MigrationInterface {
  name = 'Playout1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'playout_record',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.integer('seq'),
          col.varchar('schedule_item_id', 36, true),
          col.integer('attempt'),
          col.varchar('bulletin_id', 36, true),
          col.varchar('title', 300, true),
          col.text('topics'),
          col.instant('started_at'),
          col.instant('ended_at'),
          col.integer('played_ms'),
          col.varchar('outcome', 10),
          col.varchar('source', 12),
          col.integer('corrects_seq', true),
          col.text('reason', true),
          col.varchar('prev_hash', 64),
          col.varchar('hash', 64),
          col.varchar('idempotency_key', 200, true),
          col.varchar('content_key', 64),
          col.varchar('import_id', 36, true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.boolean('demo', false),
        ],
        indices: [
          { columnNames: ['commune_code', 'seq'], isUnique: true },
          { columnNames: ['schedule_item_id', 'attempt'], isUnique: true },
          { columnNames: ['commune_code', 'idempotency_key'], isUnique: true },
          { columnNames: ['commune_code', 'content_key'], isUnique: true },
          { columnNames: ['commune_code', 'started_at'] },
          { columnNames: ['started_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'playout_record_topic',
        columns: [
          { ...col.varchar('record_id', 36), isPrimary: true },
          { ...col.varchar('topic_code', 40), isPrimary: true },
        ],
        indices: [{ columnNames: ['topic_code'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'playout_chain',
        columns: [
          { ...col.varchar('commune_code', 5), isPrimary: true },
          col.integer('last_seq', false, 0),
          col.varchar('last_hash', 64),
          col.instant('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'playout_import',
        columns: [
          col.id(),
          col.varchar('commune_code', 5),
          col.varchar('kind', 8),
          col.varchar('idempotency_key', 200, true),
          col.varchar('body_sha256', 64),
          col.text('summary'),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
        ],
        indices: [
          { columnNames: ['commune_code', 'idempotency_key'], isUnique: true },
          { columnNames: ['commune_code', 'body_sha256'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'playout_claim',
        columns: [
          { ...col.varchar('schedule_item_id', 36), isPrimary: true },
          { ...col.integer('attempt'), isPrimary: true },
          col.varchar('commune_code', 5),
          col.varchar('owner', 100),
          col.instant('claimed_at'),
          col.instant('output_started_at', true),
          col.integer('progress_ms', false, 0),
          col.instant('heartbeat_at', true),
        ],
        indices: [{ columnNames: ['commune_code'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'playout_claim',
      'playout_import',
      'playout_chain',
      'playout_record_topic',
      'playout_record',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
