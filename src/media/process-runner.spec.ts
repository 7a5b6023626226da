import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { LineSplitter, ProcessRunner } from './process-runner';

/** True while a process with this pid runs (a zombie waiting to be reaped does not count). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return !existsSync('/proc');
    } catch {
      return false;
    }
  }
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

/** A shell that starts a grandchild (a tool's helper process), prints its pid and waits. */
const FORKING_SHELL = ['-c', 'sleep 30 & echo $!; wait'];

describe('ProcessRunner (real processes)', () => {
  let runner: ProcessRunner;

  beforeEach(() => {
    runner = new ProcessRunner();
  });

  afterEach(() => {
    runner.beforeApplicationShutdown();
  });

  it('collects output lines and the exit code', async () => {
    const lines: string[] = [];
    const outcome = await runner.run({
      command: 'sh',
      args: ['-c', 'printf "a\\nb\\n"; echo oops >&2; exit 3'],
      timeoutMs: 5000,
      onStdoutLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['a', 'b']);
    expect(outcome).toMatchObject({
      exitCode: 3,
      timedOut: false,
      aborted: false,
      stderrTail: ['oops'],
    });
  });

  it("pipes one process's side output (descriptor 3) into another's standard input", async () => {
    const received: string[] = [];
    let side: Readable | undefined;
    const writer = runner.run({
      command: 'sh',
      args: ['-c', 'printf "một\\nhai\\n" >&3; echo progress'],
      timeoutMs: 5000,
      onSideOutput: (stream) => (side = stream),
    });
    expect(side).toBeDefined();
    const reader = runner.run({
      command: 'cat',
      args: [],
      stdinFrom: side,
      timeoutMs: 5000,
      onStdoutLine: (line) => received.push(line),
    });
    const [wrote, read] = await Promise.all([writer, reader]);
    expect(wrote.exitCode).toBe(0);
    expect(read.exitCode).toBe(0);
    expect(received).toEqual(['một', 'hai']);
  });

  it('feeds standard input', async () => {
    const lines: string[] = [];
    await runner.run({
      command: 'cat',
      args: [],
      stdin: 'Xin chào\n',
      timeoutMs: 5000,
      onStdoutLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['Xin chào']);
  });

  it('kills the whole process group on timeout', async () => {
    const pids: number[] = [];
    const outcome = await runner.run({
      command: 'sh',
      args: FORKING_SHELL,
      timeoutMs: 300,
      onStdoutLine: (line) => pids.push(Number(line)),
    });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe('SIGKILL');
    expect(pids).toHaveLength(1);
    expect(await eventually(() => !alive(pids[0]))).toBe(true);
  });

  it('kills the whole process group when the job is cancelled', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const running = runner.run({
      command: 'sh',
      args: FORKING_SHELL,
      timeoutMs: 10000,
      signal: controller.signal,
      onStdoutLine: (line) => {
        pids.push(Number(line));
        controller.abort('cancelled');
      },
    });
    const outcome = await running;
    expect(outcome.aborted).toBe(true);
    expect(await eventually(() => !alive(pids[0]))).toBe(true);
  });

  it('kills every running group at shutdown', async () => {
    const pids: number[] = [];
    const running = runner.run({
      command: 'sh',
      args: FORKING_SHELL,
      timeoutMs: 10000,
      onStdoutLine: (line) => pids.push(Number(line)),
    });
    expect(await eventually(() => pids.length === 1)).toBe(true);
    expect(runner.active).toBe(1);
    runner.beforeApplicationShutdown();
    await running;
    expect(runner.active).toBe(0);
    expect(await eventually(() => !alive(pids[0]))).toBe(true);
  });

  it('does not start a process for a job already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await runner.run({
      command: 'sh',
      args: ['-c', 'exit 0'],
      timeoutMs: 1000,
      signal: controller.signal,
    });
    expect(outcome.aborted).toBe(true);
  });

  it('rejects when the binary does not exist', async () => {
    await expect(
      runner.run({ command: '/nonexistent/ffmpeg', args: [], timeoutMs: 1000 }),
    ).rejects.toThrow(/ENOENT/);
    expect(runner.active).toBe(0);
  });
});

describe('LineSplitter', () => {
  it('splits across chunks and line endings', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('out_time_us=1');
    splitter.push('00\r\nprogress=continue\nlast');
    splitter.push('\rdone');
    splitter.end();
    expect(lines).toEqual(['out_time_us=100', 'progress=continue', 'last', 'done']);
  });
});
