import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { JobState, Queue } from 'bullmq';
import { jobId, jobOptions, QueueName } from '../queue/queue.constants';

/** The `audio` queue as the media module uses it: one deterministic job per asset. */
@Injectable()
export class AudioQueue {
  private readonly logger = new Logger(AudioQueue.name);

  constructor(@InjectQueue(QueueName.Audio) private readonly queue: Queue) {}

  /**
   * Adds the asset's job (a no-op when it exists: the id is deterministic). False when Redis
   * could not take it; the reconciler adds it later from the database.
   */
  async enqueue(assetId: string): Promise<boolean> {
    const payload = { assetId };
    try {
      await this.queue.add('audio.process', payload, jobOptions('audio.process', payload));
      return true;
    } catch (error) {
      this.logger.warn(`Audio ${assetId} not queued yet: ${(error as Error).message}`);
      return false;
    }
  }

  /** A finished (completed or failed) job is removed first, so the asset runs again. */
  async rerun(assetId: string): Promise<boolean> {
    await this.remove(assetId);
    return this.enqueue(assetId);
  }

  /** Removes the job unless a worker holds it (the worker then finds the asset gone). */
  async remove(assetId: string): Promise<void> {
    try {
      const job = await this.queue.getJob(jobId('audio.process', { assetId }));
      await job?.remove();
    } catch (error) {
      this.logger.debug(`Audio job of ${assetId} not removed: ${(error as Error).message}`);
    }
  }

  async state(assetId: string): Promise<JobState | 'missing'> {
    const job = await this.queue.getJob(jobId('audio.process', { assetId }));
    if (!job) return 'missing';
    const state = await job.getState();
    return state === 'unknown' ? 'missing' : state;
  }
}
