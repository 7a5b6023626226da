import { Injectable } from '@nestjs/common';

/** The only way code reads the time, so tests can move it instead of sleeping. */
export abstract class Clock {
  abstract now(): Date;

  nowMs(): number {
    return this.now().getTime();
  }
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
