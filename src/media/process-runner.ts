import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ChildProcess, spawn, StdioOptions } from 'node:child_process';
import { Readable } from 'node:stream';

export interface ProcessSpec {
  command: string;
  args: string[];
  /** Killed (whole process group) when it runs longer than this. */
  timeoutMs: number;
  /** Killed (whole process group) when this aborts: a cancelled job, a shutdown. */
  signal?: AbortSignal;
  /** Written to the process's standard input, which is then closed. */
  stdin?: string;
  /** Streamed into the process's standard input (closed when the stream ends). */
  stdinFrom?: Readable;
  /**
   * Gets the reading end of a pipe the process writes on its file descriptor 3 (another
   * process's input, e.g. `pipe:3` for ffmpeg).
   */
  onSideOutput?: (stream: Readable) => void;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** The last stderr lines (bounded), for error messages. */
  stderrTail: string[];
}

const STDERR_TAIL_LINES = 40;

/** Splits a stream of text chunks into lines (\n, \r\n or \r). */
export class LineSplitter {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.pending + chunk).split(/\r\n|\n|\r/);
    this.pending = parts.pop() ?? '';
    for (const part of parts) this.onLine(part);
  }

  end(): void {
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }
}

/**
 * Runs external tools (ffmpeg, ffprobe, espeak-ng) as child processes that can always be stopped:
 * each starts in a process group of its own (`detached`), and on timeout, on abort and at shutdown
 * the whole group gets SIGKILL (`process.kill(-pid)`), so a tool that hangs or forks never
 * outlives its job. The only place the media module spawns processes.
 */
@Injectable()
export class ProcessRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProcessRunner.name);
  private readonly running = new Set<ChildProcess>();
  private readonly onExit = (): void => this.killAll();

  constructor() {
    process.once('exit', this.onExit);
  }

  run(spec: ProcessSpec): Promise<ProcessOutcome> {
    return new Promise<ProcessOutcome>((resolve, reject) => {
      if (spec.signal?.aborted) {
        resolve({ exitCode: null, signal: null, timedOut: false, aborted: true, stderrTail: [] });
        return;
      }
      const piped = spec.stdin !== undefined || spec.stdinFrom !== undefined;
      const stdio: StdioOptions = [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'];
      if (spec.onSideOutput) stdio.push('pipe');
      const child = spawn(spec.command, spec.args, { detached: true, stdio });
      this.running.add(child);
      let timedOut = false;
      let aborted = false;
      const stderrTail: string[] = [];
      const stdout = new LineSplitter((line) => spec.onStdoutLine?.(line));
      const stderr = new LineSplitter((line) => {
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        spec.onStderrLine?.(line);
      });
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
      // A process that exits without reading all its input is judged by its exit, not by EPIPE.
      child.stdin?.on('error', () => undefined);
      if (spec.stdin !== undefined) child.stdin?.end(spec.stdin, 'utf8');
      if (spec.stdinFrom && child.stdin) spec.stdinFrom.pipe(child.stdin);
      const side = child.stdio[3];
      if (spec.onSideOutput && side instanceof Readable) spec.onSideOutput(side);
      const timer = setTimeout(() => {
        timedOut = true;
        this.killGroup(child);
      }, spec.timeoutMs);
      const onAbort = (): void => {
        aborted = true;
        this.killGroup(child);
      };
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (): void => {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
        this.running.delete(child);
      };
      child.once('error', (error) => {
        finish();
        reject(error);
      });
      child.once('close', (exitCode, signal) => {
        finish();
        stdout.end();
        stderr.end();
        resolve({ exitCode, signal, timedOut, aborted, stderrTail });
      });
    });
  }

  /** How many tool processes run right now (tests, health). */
  get active(): number {
    return this.running.size;
  }

  killAll(): void {
    for (const child of this.running) this.killGroup(child);
  }

  beforeApplicationShutdown(): void {
    if (this.running.size > 0) {
      this.logger.warn(`Stopping ${this.running.size} media tool process(es) at shutdown`);
    }
    this.killAll();
    process.removeListener('exit', this.onExit);
  }

  private killGroup(child: ChildProcess): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is gone already; make sure the leader is.
      child.kill('SIGKILL');
    }
  }
}
