/** One of the tasks `together` runs: told to stop (its processes killed) when its signal aborts. */
export type Task<T> = (signal: AbortSignal) => Promise<T>;

/**
 * Runs tasks at the same time and resolves with their results, in order. When one fails, the
 * others are told to stop (their signal aborts), and the promise rejects with that first failure
 * only once every task has settled: no task's child process outlives the call, so the caller may
 * clean up the files they used. `signal` (a cancelled job, a shutdown) stops them all as well.
 */
export async function together<T extends readonly unknown[]>(
  tasks: readonly [...{ [K in keyof T]: Task<T[K]> }],
  signal?: AbortSignal,
): Promise<T> {
  const all = new AbortController();
  const stop = (): void => all.abort();
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  const failures: unknown[] = [];
  try {
    const settled = await Promise.allSettled(
      tasks.map(async (task: Task<unknown>) => {
        try {
          return await task(all.signal);
        } catch (error) {
          failures.push(error);
          stop();
          throw error;
        }
      }),
    );
    if (failures.length > 0) throw failures[0];
    return settled.map(
      (result) => (result as PromiseFulfilledResult<unknown>).value,
    ) as unknown as T;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
