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
  /** The most resident memory the process has had so far (bytes): the kernel's, between samples too. */
  maxRss: number;
  snapshot?: string;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

if (process.send) {
  process.on('message', (message: ReporterRequest) => {
    let snapshot: string | undefined;
    if (message.kind === 'snapshot') snapshot = writeHeapSnapshot(message.path);
    else if (message.collect) collectGarbage?.();
    const answer: ReporterAnswer = {
      id: message.id,
      ...process.memoryUsage(),
      // getrusage's ru_maxrss, in KiB.
      maxRss: process.resourceUsage().maxRSS * 1024,
      snapshot,
    };
    process.send?.(answer);
  });
  // After the listener: adding one takes a reference on the channel again.
  process.channel?.unref();
}
