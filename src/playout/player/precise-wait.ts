import { performance } from 'node:perf_hooks';

/**
 * The last stretch before a start is spun on the monotonic clock, not left to a timer. Short:
 * a process that wakes from a sleep gets the CPU at once from the kernel's scheduler, one that
 * has been spinning for long on a busy machine may be the one it preempts.
 */
export const SPIN_MS = 10;
/** Timers are set this far ahead while the start is still far, then once more closer in. */
const COARSE_STEP_MS = 1000;

/** Milliseconds on the monotonic clock (never jumps with NTP or a changed system time). */
export function monotonicNow(): number {
  return performance.now();
}

/** The monotonic reading that corresponds to a wall-clock instant, read now. */
export function monotonicAt(wallMs: number, wallNowMs = Date.now()): number {
  return monotonicNow() + (wallMs - wallNowMs);
}

/**
 * Resolves at `target` (monotonic ms) to within a fraction of a millisecond when the event loop
 * is free: a timer to just before, then a short spin. Resolves false when aborted first.
 */
export async function waitUntil(target: number, signal?: AbortSignal): Promise<boolean> {
  for (;;) {
    if (signal?.aborted) return false;
    const remaining = target - monotonicNow();
    if (remaining <= 0) return true;
    if (remaining <= SPIN_MS) {
      while (monotonicNow() < target) {
        // spin: a timer would wake up to a few ms late
      }
      return !signal?.aborted;
    }
    await sleep(Math.min(remaining - SPIN_MS, COARSE_STEP_MS), signal);
  }
}

/** A timer that an abort ends early. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
