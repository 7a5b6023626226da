import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';

const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

interface ScryptJob {
  password: string;
  salt: Uint8Array;
  N: number;
  r: number;
  p: number;
  maxmem: number;
  keyLength: number;
}

/**
 * Runs in each worker thread: the synchronous scrypt computes on the worker's own thread, never on
 * the libuv pool that the sqlite3 driver and file I/O share.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password, job.salt, job.keyLength, {
      N: job.N, r: job.r, p: job.p, maxmem: job.maxmem,
    });
    parentPort.postMessage({ key });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

interface Pending {
  job: ScryptJob;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  current?: Pending;
  /** Ends the worker once it has had nothing to do for HASH_WORKER_IDLE_MS. */
  idle?: NodeJS.Timeout;
  retired?: boolean;
}

/**
 * An idle hash worker is ended after this long: each holds a V8 isolate of its own (~10 MB
 * resident, measured 2026-12-03), which a process that sees a login now and then need not keep;
 * the next login starts one again (a few ms).
 */
export const HASH_WORKER_IDLE_MS = 30_000;

function format(log2N: number, salt: Buffer, key: Buffer): string {
  return [
    'scrypt',
    log2N,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

function jobFor(password: string, salt: Buffer, log2N: number, r: number, p: number): ScryptJob {
  const N = 2 ** log2N;
  return {
    password,
    salt,
    N,
    r,
    p,
    maxmem: 128 * N * r * p + 16 * 1024 * 1024,
    keyLength: KEY_LENGTH,
  };
}

/**
 * scrypt, memory-hard (2^15 × 8 × 128 B = 32 MiB per hash by default), with its parameters kept
 * in the stored string so the cost can rise later without breaking old hashes. Hashes run on a
 * small pool of worker threads of their own (PASSWORD_HASH_WORKERS) with a bounded queue
 * (PASSWORD_HASH_QUEUE): when it is full the call fails at once with PASSWORD_HASHER_BUSY (503)
 * instead of waiting, so a login flood can neither queue without end nor slow database work.
 */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.unknownUserHash = format(
      config.auth.passwordCost,
      randomBytes(16),
      randomBytes(KEY_LENGTH),
    );
  }

  async hash(password: string): Promise<string> {
    const log2N = this.config.auth.passwordCost;
    const salt = randomBytes(16);
    const key = await this.run(jobFor(password, salt, log2N, BLOCK_SIZE, PARALLELISM));
    return format(log2N, salt, key);
  }

  /**
   * A stored string no password matches, at today's cost: verifying against it for an unknown
   * username costs what a real user's verification costs, so timing does not tell who exists.
   */
  readonly unknownUserHash: string;

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, log2N, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await this.run(
      jobFor(password, Buffer.from(salt, 'base64'), Number(log2N), Number(r), Number(p)),
    );
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** Worker threads alive now. */
  get workers(): number {
    return this.slots.length;
  }

  /** Hashes running or waiting now. */
  get load(): number {
    return this.slots.filter((slot) => slot.current).length + this.queue.length;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) {
      pending.reject(new DomainError('PASSWORD_HASHER_BUSY', 'The service is stopping'));
    }
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        clearTimeout(slot.idle);
        return slot.worker.terminate();
      }),
    );
  }

  private run(job: ScryptJob): Promise<Buffer> {
    if (this.closed) {
      return Promise.reject(new DomainError('PASSWORD_HASHER_BUSY', 'The service is stopping'));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const pending: Pending = { job, resolve, reject };
      const idle = this.idleSlot();
      if (idle) {
        this.start(idle, pending);
        return;
      }
      if (this.queue.length >= this.config.auth.passwordHashQueue) {
        reject(
          new DomainError('PASSWORD_HASHER_BUSY', 'Too many logins at once; try again shortly', {
            retryAfterSeconds: 1,
          }),
        );
        return;
      }
      this.queue.push(pending);
    });
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => !slot.current);
    if (idle) return idle;
    if (this.slots.length >= this.config.auth.passwordHashWorkers) return undefined;
    const slot = this.spawn();
    this.slots.push(slot);
    return slot;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker };
    worker.unref();
    worker.on('message', (message: { key?: Uint8Array; error?: string }) => {
      const pending = slot.current;
      slot.current = undefined;
      if (pending) {
        if (message.key) pending.resolve(Buffer.from(message.key));
        else pending.reject(new Error(`scrypt failed: ${message.error ?? 'unknown error'}`));
      }
      this.next(slot);
    });
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.current?.reject(error);
      slot.current = undefined;
      const waiting = this.queue.shift();
      if (waiting && !this.closed) {
        const replacement = this.idleSlot();
        if (replacement) this.start(replacement, waiting);
        else this.queue.unshift(waiting);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed && !slot.retired)
        fail(new Error(`password hash worker exited with code ${code}`));
    });
    return slot;
  }

  private start(slot: Slot, pending: Pending): void {
    clearTimeout(slot.idle);
    slot.current = pending;
    slot.worker.postMessage(pending.job);
  }

  private next(slot: Slot): void {
    const waiting = this.queue.shift();
    if (waiting) this.start(slot, waiting);
    else slot.idle = setTimeout(() => this.retire(slot), HASH_WORKER_IDLE_MS).unref();
  }

  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || slot.current) return;
    this.slots.splice(index, 1);
    slot.retired = true;
    void slot.worker.terminate();
  }
}
