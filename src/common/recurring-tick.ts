import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A piece of work run every `everyMs` and once at start, registered with @nestjs/schedule under
 * `name`. A run still going when the next is due makes that one skip; a failure is logged and the
 * next run goes on. Each periodic job of the scheduler role is one of these.
 */
export class RecurringTick {
  private readonly logger: Logger;
  private running = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly name: string,
    private readonly work: () => Promise<void>,
  ) {
    this.logger = new Logger(name);
  }

  start(everyMs: number): void {
    const timer = setInterval(() => void this.run(), everyMs);
    this.registry.addInterval(this.name, timer);
    void this.run();
  }

  stop(): void {
    if (this.registry.doesExist('interval', this.name)) this.registry.deleteInterval(this.name);
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.work();
    } catch (error) {
      this.logger.error(`${this.name} failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
