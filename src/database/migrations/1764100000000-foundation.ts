import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../migration-helpers';

export class Foundation1764100000000 implements MigrationInterface {
  name = 'Foundation1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'app_setting',
        columns: [{ ...col.varchar('key', 64), isPrimary: true }, col.text('value')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user',
        columns: [
          col.id(),
          col.varchar('username', 64),
          col.varchar('password_hash', 255),
          col.varchar('role', 16),
          col.varchar('display_name', 120, true),
          col.varchar('commune_code', 5, true),
          col.varchar('province_code', 2, true),
          col.boolean('disabled', false),
          col.integer('token_version', false, 0),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
        indices: [{ columnNames: ['username'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          col.id(),
          col.instant('at'),
          col.varchar('action', 40),
          col.varchar('actor_id', 36, true),
          col.varchar('actor_username', 64, true),
          col.varchar('target_type', 40, true),
          col.varchar('target_id', 64, true),
          col.varchar('commune_code', 5, true),
          col.varchar('province_code', 2, true),
          col.varchar('ip', 64, true),
          col.text('detail', true),
        ],
        indices: [{ columnNames: ['at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'topic',
        columns: [
          { ...col.varchar('code', 40), isPrimary: true },
          col.varchar('name', 200),
          col.text('description', true),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'campaign',
        columns: [
          { ...col.varchar('code', 40), isPrimary: true },
          col.varchar('name', 200),
          col.text('description', true),
          col.localDate('starts_on'),
          col.localDate('ends_on'),
          col.text('rules'),
          col.integer('min_daily_seconds', false, 0),
          col.instant('created_at'),
          col.instant('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audio_asset',
        columns: [
          col.id(),
          col.varchar('owner_code', 5),
          col.varchar('commune_code', 5, true),
          col.varchar('province_code', 2),
          col.varchar('sha256', 64),
          col.varchar('source', 8),
          col.varchar('original_name', 255, true),
          col.integer('original_bytes'),
          col.varchar('input_format', 40, true),
          col.varchar('input_codec', 40, true),
          col.integer('input_duration_ms', true),
          col.text('tts_text', true),
          col.varchar('tts_voice', 40, true),
          col.varchar('status', 12),
          col.integer('progress', false, 0),
          col.text('error', true),
          col.integer('duration_ms', true),
          col.real('integrated_lufs', true),
          col.real('true_peak_dbtp', true),
          col.real('lra', true),
          col.varchar('loudnorm_path', 8, true),
          col.varchar('created_by', 36, true),
          col.instant('created_at'),
          col.instant('updated_at'),
          col.instant('ready_at', true),
        ],
      }),
    );
    await queryRunner.createIndex(
      'audio_asset',
      new TableIndex({ columnNames: ['owner_code', 'sha256'], isUnique: true }),
    );
    await queryRunner.createIndex('audio_asset', new TableIndex({ columnNames: ['commune_code'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audio_asset',
      'campaign',
      'topic',
      'audit_event',
      'user',
      'app_setting',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
