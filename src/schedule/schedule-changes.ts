import { Injectable, Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

export type ScheduleChangeKind = 'created' | 'moved' | 'cancelled' | 'emergency';

/** A committed change to a commune's program log. */
export interface ScheduleChange {
  communeCode: string;
  kind: ScheduleChangeKind;
  itemIds: string[];
  /**
   * Each item's start as committed, in the order of `itemIds`, when the emitter has them at hand
   * (the planner): a listener may then leave alone the items outside the times it cares for
   * without reading them back.
   */
  startsAt?: readonly Date[];
}

export type ScheduleChangeListener = (change: ScheduleChange) => void | Promise<void>;

/**
 * Tells other features (the playout dispatcher) that a commune's program log changed. Emitted
 * after the transaction commits, so a listener that reads the database sees the change. A
 * listener's failure is logged and never reaches the request that made the change.
 */
@Injectable()
export class ScheduleChanges {
  private readonly logger = new Logger(ScheduleChanges.name);
  private readonly subject = new Subject<ScheduleChange>();
  readonly changes$: Observable<ScheduleChange> = this.subject.asObservable();

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: ScheduleChangeListener): () => void {
    const subscription = this.subject.subscribe((change) => {
      try {
        const result = listener(change);
        if (result instanceof Promise) result.catch((error: unknown) => this.report(error));
      } catch (error) {
        this.report(error);
      }
    });
    return () => subscription.unsubscribe();
  }

  emit(change: ScheduleChange): void {
    if (change.itemIds.length > 0) this.subject.next(change);
  }

  private report(error: unknown): void {
    this.logger.error(
      `A program-log listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
