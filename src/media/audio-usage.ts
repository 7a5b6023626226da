import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Whether something still uses an audio asset (a used asset cannot be deleted: 409 AUDIO_IN_USE).
 * A port, so the media module does not depend on the modules that use audio.
 */
export abstract class AudioUsage {
  /** Run inside the transaction that deletes, so the answer holds for the deletion. */
  abstract isInUse(assetId: string, manager: EntityManager): Promise<boolean>;
}

/**
 * Bulletins use audio through `bulletin.audio_id` (every bulletin, archived ones too: their
 * as-run records still point at them). Queried by table name so media does not import the
 * bulletins module; a database without the table (a partial schema in a tool) has no users.
 */
@Injectable()
export class BulletinAudioUsage extends AudioUsage {
  private tableKnown = false;

  async isInUse(assetId: string, manager: EntityManager): Promise<boolean> {
    if (!this.tableKnown) {
      this.tableKnown = await hasTable(manager, 'bulletin');
      if (!this.tableKnown) return false;
    }
    const row: unknown = await manager
      .createQueryBuilder()
      .select('1', 'used')
      .from('bulletin', 'bulletin')
      .where('bulletin.audio_id = :assetId', { assetId })
      .limit(1)
      .getRawOne();
    return row !== undefined;
  }
}

async function hasTable(manager: EntityManager, table: string): Promise<boolean> {
  const own = manager.queryRunner === undefined;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return await runner.hasTable(table);
  } finally {
    if (own) await runner.release();
  }
}
