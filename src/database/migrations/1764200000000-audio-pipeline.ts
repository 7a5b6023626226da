import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/** What the audio pipeline measures and decides, kept beside the asset. */
export class AudioPipeline1764200000000 implements MigrationInterface {
  name = 'AudioPipeline1764200000000';

  private readonly columns = [
    col.integer('input_channels', true),
    col.integer('input_sample_rate', true),
    col.real('input_integrated_lufs', true),
    col.real('input_true_peak_dbtp', true),
    col.real('input_lra', true),
    col.real('gain_db', true),
    col.integer('trim_start_ms', true),
    col.integer('trim_end_ms', true),
    col.integer('rendition_bytes', true),
    col.integer('attempts', false, 0),
  ];

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns(
      'audio_asset',
      this.columns.map((options) => new TableColumn(options)),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns(
      'audio_asset',
      this.columns.map((options) => options.name),
    );
  }
}
