import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/**
 * The sha256 of a rendition's bytes (what `GET /audio/:id/content` serves and a cluster checks
 * before it plays). Processing stores it from now on. Renditions made before stay null here:
 * a migration does not read MEDIA_DIR (it may be large, and elsewhere than the database), so
 * the media service hashes such a rendition the first time a manifest or a download needs it and
 * stores the result (MediaService.rendition).
 */
export class RenditionSha2561764900000100 implements MigrationInterface {
  name = 'RenditionSha2561764900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'audio_asset',
      new TableColumn(col.varchar('rendition_sha256', 64, true)),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audio_asset', 'rendition_sha256');
  }
}
