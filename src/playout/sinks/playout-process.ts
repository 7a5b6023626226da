import { ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines it wrote to stderr, for error messages. */
  stderrTail: string;
}

const STDERR_TAIL_CHARS = 2000;

/**
 * One ffmpeg process of a play (decoder or sink). It runs in a process group of its own, so
 * `kill()` (and the timeout) reach anything it started; it never outlives its play.
 */
export class PlayoutProcess {
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private stderr = '';
  private readonly timer: NodeJS.Timeout;

  constructor(command: string, args: string[], timeoutMs: number) {
    this.child = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_TAIL_CHARS);
    });
    this.child.stdin?.on('error', () => undefined);
    this.timer = setTimeout(() => this.kill(), timeoutMs);
    this.timer.unref();
    this.exited = new Promise<ProcessExit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(this.timer);
        resolve({ code, signal, stderrTail: this.stderr.trim() });
      };
      this.child.once('error', (error) => {
        this.stderr += `\n${error.message}`;
        done(null, null);
      });
      this.child.once('close', done);
    });
  }

  get stdin(): Writable {
    if (!this.child.stdin) throw new Error('process has no stdin');
    return this.child.stdin;
  }

  get stdout(): Readable {
    if (!this.child.stdout) throw new Error('process has no stdout');
    return this.child.stdout;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL to the whole group. */
  kill(): void {
    if (this.child.pid === undefined || !this.running) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }
}
