import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EmergenciesRepository, ReceivedAck, ReportedStart } from './emergencies.repository';

/** How long the first acknowledgement of a batch waits for others to join it. */
const BATCH_DELAY_MS = 20;
/** A batch that failed to write is tried again this many times before it is given up (logged). */
const MAX_ATTEMPTS = 5;
/** The wait before the next try of a failed batch grows by this much with each failure. */
const RETRY_STEP_MS = 500;

interface Batch {
  acks: ReceivedAck[];
  starts: ReportedStart[];
  attempts: number;
}

/**
 * Writes the fleet's acknowledgements and reported starts in batches: an emergency to 2,500
 * devices brings 2,500 acknowledgements within a second, and one transaction each would queue
 * them behind one another (SQLite has one writer). Whatever arrives while a batch is being
 * written goes into the next one; the times kept are the times of arrival, not of the write.
 */
@Injectable()
export class FleetRecorder implements OnModuleDestroy {
  private readonly logger = new Logger(FleetRecorder.name);
  private pending: Batch = { acks: [], starts: [], attempts: 0 };
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(private readonly emergencies: EmergenciesRepository) {}

  ack(ack: ReceivedAck): void {
    this.pending.acks.push(ack);
    this.schedule();
  }

  start(start: ReportedStart): void {
    this.pending.starts.push(start);
    this.schedule();
  }

  /** Writes everything received so far now, trying failures again at once (or giving up). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      if (this.pending.acks.length === 0 && this.pending.starts.length === 0) return;
      this.writing = this.write();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private schedule(delayMs = BATCH_DELAY_MS): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writing = this.write();
    }, delayMs);
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = { acks: [], starts: [], attempts: 0 };
    try {
      await this.emergencies.record(batch.acks, batch.starts);
    } catch (error) {
      const message = (error as Error).message;
      if (batch.attempts + 1 >= MAX_ATTEMPTS) {
        this.logger.error(
          `Fleet: gave up writing ${batch.acks.length} acknowledgements and ${batch.starts.length} starts: ${message}`,
        );
      } else {
        this.logger.warn(`Fleet: writing acknowledgements failed, will retry: ${message}`);
        this.pending = {
          acks: [...batch.acks, ...this.pending.acks],
          starts: [...batch.starts, ...this.pending.starts],
          attempts: batch.attempts + 1,
        };
      }
    } finally {
      this.writing = null;
      if (this.pending.acks.length > 0 || this.pending.starts.length > 0) {
        this.schedule(BATCH_DELAY_MS + this.pending.attempts * RETRY_STEP_MS);
      }
    }
  }
}
