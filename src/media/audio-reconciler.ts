import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AudioAssetsRepository } from './audio-assets.repository';
import { AudioQueue } from './audio-queue';

/** How often the queue is checked against the database. */
export const AUDIO_RECONCILE_MS = 30_000;

/**
 * The database is the truth, Redis is derived: every asset still `queued` or `processing` must
 * have its job. At start-up and every 30 s, a missing job is added again (an emptied Redis, a
 * failed enqueue) and a job that finished without the asset finishing runs again. Safe on every
 * instance: job ids are deterministic, so a second add is a no-op.
 */
@Injectable()
export class AudioReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger(AudioReconciler.name);
  private running = false;

  constructor(
    private readonly assets: AudioAssetsRepository,
    private readonly queue: AudioQueue,
  ) {}

  onApplicationBootstrap(): void {
    void this.reconcile();
  }

  @Interval(AUDIO_RECONCILE_MS)
  async reconcile(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let repaired = 0;
    try {
      for (const asset of await this.assets.unfinished()) {
        const state = await this.queue.state(asset.id);
        if (state === 'missing') {
          if (await this.queue.enqueue(asset.id)) repaired += 1;
        } else if (state === 'completed' || state === 'failed') {
          if (await this.queue.rerun(asset.id)) repaired += 1;
        }
      }
      if (repaired > 0) this.logger.warn(`Re-queued ${repaired} audio job(s) missing from Redis`);
    } catch (error) {
      this.logger.warn(`Audio reconcile failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    return repaired;
  }
}
