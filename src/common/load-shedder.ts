import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { reasonPhrase, sendProblem } from './problem.filter';

export interface LoadShedderLimits {
  /** Requests served at once. */
  maxInFlight: number;
  /** Requests waiting for a slot; one more is refused at once. */
  maxQueued: number;
  /** A request waiting longer than this is refused. */
  queueTimeoutMs: number;
}

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout;
}

/**
 * Bounds the work one process takes on: `maxInFlight` requests at once, then a FIFO queue of
 * `maxQueued` waiting at most `queueTimeoutMs`; past either bound a request is refused
 * (`acquire` resolves false) instead of piling up behind the others for tens of seconds while
 * the event loop that also times playout grows busy.
 */
export class LoadShedder {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: LoadShedderLimits) {}

  get active(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Seconds a refused client should wait before trying again. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.limits.queueTimeoutMs / 1000));
  }

  /**
   * True once the request holds a slot (call `release` exactly once then), false when refused.
   * `cancelled` lets a waiting request leave the queue when its client goes away.
   */
  acquire(onCancel?: (cancel: () => void) => void): Promise<boolean> {
    if (this.inFlight < this.limits.maxInFlight && this.queue.length === 0) {
      this.inFlight++;
      return Promise.resolve(true);
    }
    if (this.queue.length >= this.limits.maxQueued) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          this.remove(waiter);
          resolve(false);
        }, this.limits.queueTimeoutMs),
      };
      this.queue.push(waiter);
      onCancel?.(() => {
        if (this.remove(waiter)) {
          clearTimeout(waiter.timer);
          resolve(false);
        }
      });
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next) {
      // The slot passes straight to the oldest waiter.
      next.admit();
      return;
    }
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  private remove(waiter: Waiter): boolean {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
  }
}

/**
 * Express middleware in front of everything else: each request but the exempt ones (health)
 * takes a slot of the shedder, or gets 503 OVERLOADED with `Retry-After`. A request gives its slot
 * back when its answer starts (a streamed download then only costs I/O) or its client leaves.
 */
export function loadShedding(
  shedder: LoadShedder,
  exempt: (request: Request) => boolean,
): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (exempt(request)) {
      next();
      return;
    }
    let state: 'waiting' | 'holding' | 'done' = 'waiting';
    let cancel: (() => void) | undefined;
    const finish = () => {
      if (state === 'holding') shedder.release();
      else if (state === 'waiting') cancel?.();
      state = 'done';
    };
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => Response;
    response.writeHead = ((...args: unknown[]) => {
      finish();
      return writeHead(...args);
    }) as typeof response.writeHead;
    response.once('close', finish);

    void shedder
      .acquire((cancelWaiting) => {
        cancel = cancelWaiting;
      })
      .then((admitted) => {
        if (state === 'done') {
          // The client left while the request waited; a slot given meanwhile goes back.
          if (admitted) shedder.release();
          return;
        }
        if (admitted) {
          state = 'holding';
          next();
          return;
        }
        state = 'done';
        const retryAfter = String(shedder.retryAfterSeconds);
        sendProblem(
          request,
          response,
          {
            statusCode: 503,
            error: reasonPhrase(503),
            message: `The service is overloaded; try again in ${retryAfter} s`,
            code: 'OVERLOADED',
          },
          { 'Retry-After': retryAfter },
        );
      });
  };
}
