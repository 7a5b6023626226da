/** Why a play was stopped before its end. */
export type StopReason =
  /** `live`: taken by a live announcement (`byItemId` is the live session's id). */
  | { kind: 'preempted'; byItemId: string; title: string | null; live?: boolean }
  | { kind: 'shutdown' }
  /** A cluster told to stop (`stop`) or to switch its amplifiers off (`power off`). */
  | { kind: 'stopped'; by: 'command' | 'power-off' };

/**
 * How a play ranks on the output: an emergency takes it from anything else, live speech from a
 * normal or priority item; equal or lower ranks wait their turn.
 */
export type OutputPriority = 'normal' | 'live' | 'emergency';

const RANK: Record<OutputPriority, number> = { normal: 0, live: 1, emergency: 2 };

/** One play's hold on its commune's output. */
export interface OutputHold {
  readonly itemId: string;
  readonly emergency: boolean;
  readonly priority: OutputPriority;
  readonly controller: AbortController;
  release(): void;
}

interface Holder {
  hold: OutputHold;
  done: Promise<void>;
}

/**
 * The edge player's holds on its one output (a device plays items as whole files through
 * `Player`; the server's communes have a continuous `StationOutput` instead): a play holds it
 * from just before its start to its end. An emergency takes it at once from anything else, live
 * speech from a normal or priority item (the holder is stopped, reason `preempted`); anything
 * else waits its turn.
 */
export class CommuneOutputs {
  private readonly holders = new Map<string, Holder>();

  async acquire(
    communeCode: string,
    request: { itemId: string; emergency: boolean; title: string | null; live?: boolean },
    signal: AbortSignal,
  ): Promise<OutputHold | null> {
    const priority: OutputPriority = request.emergency
      ? 'emergency'
      : request.live
        ? 'live'
        : 'normal';
    for (;;) {
      if (signal.aborted) return null;
      const current = this.holders.get(communeCode);
      if (!current) break;
      if (RANK[priority] > RANK[current.hold.priority]) {
        const reason: StopReason = {
          kind: 'preempted',
          byItemId: request.itemId,
          title: request.title,
          ...(priority === 'live' ? { live: true } : {}),
        };
        current.hold.controller.abort(reason);
      }
      await untilDoneOrAborted(current.done, signal);
    }
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const controller = new AbortController();
    const forward = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    const hold: OutputHold = {
      itemId: request.itemId,
      emergency: request.emergency,
      priority,
      controller,
      release: () => {
        signal.removeEventListener('abort', forward);
        if (this.holders.get(communeCode)?.hold === hold) this.holders.delete(communeCode);
        finish();
      },
    };
    this.holders.set(communeCode, { hold, done });
    return hold;
  }
}

async function untilDoneOrAborted(done: Promise<void>, signal: AbortSignal): Promise<void> {
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      done,
      new Promise<void>((resolve) => {
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
