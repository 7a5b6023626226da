/**
 * Runs tasks one at a time in the order they arrive; an `urgent` task goes ahead of every task
 * still waiting (never ahead of the one running).
 */
export class Mutex {
  private busy = false;
  private readonly urgent: (() => void)[] = [];
  private readonly waiting: (() => void)[] = [];

  run<T>(task: () => Promise<T>, options: { urgent?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.busy = true;
        // A task that throws before returning its promise rejects like one that rejects.
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => this.next());
      };
      if (!this.busy) start();
      else (options.urgent ? this.urgent : this.waiting).push(start);
    });
  }

  private next(): void {
    this.busy = false;
    const start = this.urgent.shift() ?? this.waiting.shift();
    start?.();
  }
}
