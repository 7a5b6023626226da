/** One request's answer from a group: its value, or its own error. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<T, R> {
  request: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests that arrive while a group is being committed wait, and go together in
 * the next one, so many small writes share one transaction (and one sync to disk) instead of
 * queueing for one each. A lone request goes at once. `commit` answers every request of a group
 * on its own (a refused request does not fail the others); when it throws instead (the
 * transaction itself failed), each request of the group is committed again alone, so that every
 * caller still gets its own answer and its own error.
 */
export class GroupCommit<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private running = false;

  constructor(
    private readonly commit: (group: readonly T[]) => Promise<Settled<R>[]>,
    private readonly maxGroup: number,
  ) {}

  submit(request: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        await this.run(this.waiting.splice(0, this.maxGroup));
      }
    } finally {
      this.running = false;
    }
  }

  private async run(group: Waiting<T, R>[]): Promise<void> {
    let answers: Settled<R>[];
    try {
      answers = await this.commit(group.map((waiting) => waiting.request));
      if (answers.length !== group.length) {
        throw new Error(`A group commit answered ${answers.length} of ${group.length} requests`);
      }
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      for (const waiting of group) await this.run([waiting]);
      return;
    }
    answers.forEach((answer, index) => {
      if (answer.ok) group[index].resolve(answer.value);
      else group[index].reject(answer.error);
    });
  }
}
