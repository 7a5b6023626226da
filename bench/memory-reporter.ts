import { readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';

/**
 * Preloaded (`node -r`) into each service process of the memory benchmark (bench/memory.bench.ts):
 * answers the benchmark's requests on the IPC channel with the process's memory, after a full
 * garbage collection when asked (the process runs with --expose-gc), or writes a heap snapshot.
 * The channel does not keep the process alive, so the service behaves as it would without it.
 */
export type ReporterAsk = { kind: 'sample'; collect: boolean } | { kind: 'snapshot'; path: string };

export type ReporterRequest = ReporterAsk & { id: number };

export interface ReporterAnswer {
  id: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /**
   * The most resident memory the process has had so far (bytes): the kernel's high-water mark,
   * between samples too.
   */
  maxRss: number;
  snapshot?: string;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * The process's peak resident set (bytes): `VmHWM` of /proc/self/status, the high-water mark of
 * its own address space since it was executed. Not getrusage's `ru_maxrss`: Linux carries into
 * it the resident set the forked copy of the parent had at `exec`, so a service spawned by a
 * benchmark process of 536 MB reported 536 MB however little it used.
 */
function peakRss(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error('No VmHWM in /proc/self/status');
  return Number(match[1]) * 1024;
}

if (process.send) {
  process.on('message', (message: ReporterRequest) => {
    let snapshot: string | undefined;
    if (message.kind === 'snapshot') snapshot = writeHeapSnapshot(message.path);
    else if (message.collect) collectGarbage?.();
    const answer: ReporterAnswer = {
      id: message.id,
      ...process.memoryUsage(),
      maxRss: peakRss(),
      snapshot,
    };
    process.send?.(answer);
  });
  // After the listener: adding one takes a reference on the channel again.
  process.channel?.unref();
}
