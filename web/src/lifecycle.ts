/** What a page started (timers, object URLs) and must stop when the user leaves it. */

let cleanups: (() => void)[] = [];
let generation = 0;

export function onLeave(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** Runs the cleanups of the page being left; returns the new page's generation. */
export function leavePage(): number {
  const pending = cleanups;
  cleanups = [];
  for (const cleanup of pending) {
    try {
      cleanup();
    } catch {
      // A cleanup that fails must not keep the next page from showing.
    }
  }
  generation += 1;
  return generation;
}

/** True while the page of `pageGeneration` is still the one shown (async work checks it). */
export function isCurrent(pageGeneration: number): boolean {
  return pageGeneration === generation;
}

export function currentGeneration(): number {
  return generation;
}

/** setInterval that stops when the page is left. */
export function every(ms: number, tick: () => void): void {
  const timer = window.setInterval(tick, ms);
  onLeave(() => window.clearInterval(timer));
}
