import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * What the loudspeakers get when a recording could not be brought to the target: the warning
 * (`too-quiet`) and the target the rendition was normalized to, so the figure shown with the
 * warning stays true after the station target changes. Input figures measured before this
 * version (on the mono downmix) are left as they are: the asset is not processed again.
 */
export class LoudnessWarning1764700000100 implements MigrationInterface {
  name = 'LoudnessWarning1764700000100';

  private readonly columns = [
    col.varchar('loudness_warning', 16, true),
    col.real('target_lufs', true),
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
