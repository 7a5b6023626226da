import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { QueueName } from '../src/queue/queue.constants';
import { createTestStorage, startTestApp, TestApp, TestStorage } from './support/test-app';

/** Waits until the job leaves the waiting and active states; returns the state it reached. */
async function settled(job: Job): Promise<string> {
  for (let tries = 0; tries < 200; tries += 1) {
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'active' && state !== 'prioritized') return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Job ${job.name} (${job.id}) still ${await job.getState()}`);
}

describe('the reports maintenance worker (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage);
    queue = app.app.get<Queue>(getQueueToken(QueueName.Maintenance));
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  it('fails a job it does not know at once, naming it, and goes on with the next', async () => {
    const unknown = await queue.add(
      'maintenance.compact',
      {},
      { jobId: 'unknown-compact', attempts: 3, backoff: { type: 'fixed', delay: 60_000 } },
    );
    // Failed for good (not delayed for a retry that could only fail the same way).
    expect(await settled(unknown)).toBe('failed');
    const failed = await queue.getJob('unknown-compact');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe(
      'Unknown maintenance job "maintenance.compact" (id unknown-compact); ' +
        'this worker runs maintenance.rollup, maintenance.chain-check, maintenance.checkpoints, ' +
        'maintenance.stats-push, maintenance.stats-delivery',
    );

    const known = await queue.add('maintenance.rollup', {}, { jobId: 'rollup-after-unknown' });
    expect(await settled(known)).toBe('completed');
  });
});
