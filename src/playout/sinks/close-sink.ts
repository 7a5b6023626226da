import type { SinkOutput } from './audio-sinks';

/** How a play leaves its sink. */
export interface SinkEnding {
  /**
   * Everything was written and has aired: the sink's input is ended and it exits on its own (the
   * `file` sink then keeps its archive). Otherwise the play was cut off: the sink is killed at
   * once, so that nothing it still buffers airs after the stop.
   */
  clean: boolean;
  /** The play was aborted (preempted, stopped, shutdown): a sink that stopped is no error then. */
  aborted: boolean;
}

/**
 * Ends a play's sink and waits for its process to exit; resolves with why the sink failed (its
 * stderr tail), or undefined when it did not. The one ending of every per-play sink (bulletin,
 * relay, live speech).
 */
export async function closeSink(sink: SinkOutput, ending: SinkEnding): Promise<string | undefined> {
  if (ending.clean) {
    const exit = await sink.finish();
    if (exit.code !== 0 && exit.code !== null) {
      return `The sink exited with ${exit.code}: ${exit.stderrTail}`;
    }
    return undefined;
  }
  let error: string | undefined;
  if (!sink.running && !ending.aborted) {
    const exit = await sink.exited;
    error = `The sink stopped: ${exit.stderrTail || `exit ${exit.code ?? exit.signal}`}`;
  }
  sink.kill();
  await sink.exited;
  return error;
}
