import { Writable } from 'node:stream';
import type { SinkOutput } from '../sinks/audio-sinks';
import type { ProcessExit } from '../sinks/playout-process';
import { CHUNK_BYTES, PCM_BYTES_PER_SECOND } from './pcm';
import { monotonicNow } from './precise-wait';
import {
  NO_AUDIO,
  OutputPriority,
  PcmInput,
  PlacementResult,
  StationOutput,
} from './station-output';

/** A sink that keeps every byte written to it, as the process's stdin would receive them. */
function recordingSink(): SinkOutput & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const input = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const exit: ProcessExit = { code: 0, signal: null, stderrTail: '' };
  return {
    input,
    exited: new Promise<ProcessExit>(() => undefined),
    running: true,
    finish: () => Promise.resolve(exit),
    kill: () => undefined,
    bytes: () => Buffer.concat(chunks),
  };
}

/** `ms` of a constant sample value (an item recognisable in the output), then the end. */
function constant(value: number, ms: number): PcmInput & { closed: boolean } {
  let left = Math.round((ms * PCM_BYTES_PER_SECOND) / 1000);
  return {
    closed: false,
    read() {
      if (left <= 0) return null;
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, left));
      for (let offset = 0; offset < chunk.length; offset += 2) chunk.writeInt16LE(value, offset);
      left -= chunk.length;
      return chunk;
    },
    close() {
      this.closed = true;
    },
  };
}

/** Where `value` first and last appears in the output, in bytes. */
function span(bytes: Buffer, value: number): { first: number; last: number } {
  let first = -1;
  let last = -1;
  for (let offset = 0; offset < bytes.length; offset += 2) {
    if (bytes.readInt16LE(offset) !== value) continue;
    if (first < 0) first = offset;
    last = offset + 2;
  }
  return { first, last };
}

const ms = (bytes: number): number => (bytes * 1000) / PCM_BYTES_PER_SECOND;

describe('StationOutput', () => {
  let output: StationOutput | undefined;
  afterEach(async () => {
    await output?.close();
    output = undefined;
  });

  function open(leadMs = 300) {
    const sink = recordingSink();
    const openedAt = Date.now();
    output = new StationOutput(sink, leadMs, () => Date.now());
    return { sink, openedAt };
  }

  function place(
    value: number,
    startsAt: Date,
    lengthMs: number,
    priority: OutputPriority = 'normal',
    signal = new AbortController().signal,
  ): Promise<PlacementResult> {
    return output!.place({
      itemId: `item-${value}`,
      title: `Bản tin ${value}`,
      priority,
      startsAt,
      input: constant(value, lengthMs),
      lateToleranceMs: 60000,
      signal,
    });
  }

  it('writes silence between items and starts each at the sample position of its instant', async () => {
    const { sink, openedAt } = open();
    const startsAt = new Date(openedAt + 400);
    const first = await place(1000, startsAt, 200);
    const second = await place(2000, new Date(Date.now() + 500), 100);
    const bytes = sink.bytes();
    const a = span(bytes, 1000);
    const b = span(bytes, 2000);
    expect(first).toMatchObject({ started: true, completed: true, playedMs: 200, startErrorMs: 0 });
    expect(second).toMatchObject({
      started: true,
      completed: true,
      playedMs: 100,
      startErrorMs: 0,
    });
    // Position and instant agree to the sample: the output's clock decided the start.
    expect(ms(a.first)).toBeCloseTo(400, -1);
    expect(ms(a.last - a.first)).toBeCloseTo(200, 5);
    expect(ms(b.last - b.first)).toBeCloseTo(100, 5);
    // Silence, not a gap, between the two: the stream's bytes are continuous.
    expect(bytes.subarray(a.last, b.first).every((byte) => byte === 0)).toBe(true);
    expect(bytes.length).toBeGreaterThan(b.last);
    if (!first.started) throw new Error('not started');
    // Written ahead of its airing by about the lead, never after it.
    expect(first.arrivalMs).toBeLessThan(0);
  });

  it('starts on its sample while the event loop is held up for less than the lead', async () => {
    const { openedAt } = open(500);
    const startsAt = new Date(openedAt + 600);
    const playing = place(3000, startsAt, 200);
    // Hold the loop from before the item's write until past its start.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = monotonicNow() + 700;
    while (monotonicNow() < until) {
      // busy, as a loaded machine's event loop
    }
    const result = await playing;
    expect(result).toMatchObject({ started: true, startErrorMs: 0, completed: true });
  });

  it('lets an emergency cut in at its position; the item cut off is partial and names it', async () => {
    const { sink, openedAt } = open();
    const normal = place(1000, new Date(openedAt + 350), 2000);
    const urgent = place(4000, new Date(openedAt + 1000), 300, 'emergency');
    const [cut, aired] = await Promise.all([normal, urgent]);
    expect(cut).toMatchObject({
      started: true,
      completed: false,
      preemptedBy: { itemId: 'item-4000', title: 'Bản tin 4000' },
    });
    if (!cut.started) throw new Error('not started');
    expect(cut.playedMs).toBeGreaterThanOrEqual(640);
    expect(cut.playedMs).toBeLessThanOrEqual(660);
    expect(aired).toMatchObject({ started: true, completed: true, startErrorMs: 0 });
    const bytes = sink.bytes();
    expect(span(bytes, 1000).last).toBe(span(bytes, 4000).first);
  });

  it('lets live speech cut into a priority item and an emergency cut into live', async () => {
    const { sink, openedAt } = open();
    const item = place(1000, new Date(openedAt + 350), 2000, 'priority');
    const live = place(5000, new Date(openedAt + 700), 2000, 'live');
    const urgent = place(4000, new Date(openedAt + 1100), 200, 'emergency');
    // What the writer (the lead ahead of real time) is on: live speech, before the emergency.
    await new Promise((resolve) => setTimeout(resolve, openedAt + 600 - Date.now()));
    expect(output!.onAir()).toEqual({
      itemId: 'item-5000',
      title: 'Bản tin 5000',
      priority: 'live',
    });
    const [cut, spoken, aired] = await Promise.all([item, live, urgent]);
    expect(cut).toMatchObject({ completed: false, preemptedBy: { priority: 'live' } });
    expect(spoken).toMatchObject({ completed: false, preemptedBy: { priority: 'emergency' } });
    expect(aired).toMatchObject({ completed: true, startErrorMs: 0 });
    const bytes = sink.bytes();
    expect(span(bytes, 1000).last).toBe(span(bytes, 5000).first);
    expect(span(bytes, 5000).last).toBe(span(bytes, 4000).first);
  });

  it("counts an item's start from its first audio at or after its position, not the silence before it", async () => {
    const { sink, openedAt } = open();
    const startsAt = new Date(openedAt + 400);
    const audio = constant(6000, 200);
    let readyAt = 0;
    const slow: PcmInput = {
      // A decoder with nothing yet until 150 ms past the item's position.
      read: () =>
        Date.now() < openedAt + 550 - 300 ? undefined : ((readyAt ||= Date.now()), audio.read()),
      close: () => audio.close(),
    };
    const result = await output!.place({
      itemId: 'slow',
      title: null,
      priority: 'normal',
      startsAt,
      input: slow,
      lateToleranceMs: 60000,
      signal: new AbortController().signal,
    });
    if (!result.started) throw new Error('not started');
    expect(readyAt).toBeGreaterThan(0);
    // Its time is its audio only; the start says how late the first audio came.
    expect(result.playedMs).toBe(200);
    expect(result.completed).toBe(true);
    expect(result.startErrorMs).toBeGreaterThanOrEqual(100);
    expect(result.startErrorMs).toBeLessThan(260);
    expect(ms(span(sink.bytes(), 6000).first) - 400).toBeCloseTo(result.startErrorMs, -1);
  });

  it('takes off, unstarted, an input that ends before any audio or has none within the tolerance', async () => {
    const { openedAt } = open();
    const base = { title: null, priority: 'normal' as const, signal: new AbortController().signal };
    const empty = output!.place({
      ...base,
      itemId: 'empty',
      startsAt: new Date(openedAt + 350),
      input: { read: () => null, close: () => undefined },
      lateToleranceMs: 60000,
    });
    const silent = output!.place({
      ...base,
      itemId: 'silent',
      startsAt: new Date(openedAt + 400),
      input: { read: () => undefined, close: () => undefined },
      lateToleranceMs: 200,
    });
    expect(await empty).toEqual({ started: false, error: NO_AUDIO });
    expect(await silent).toEqual({ started: false, missed: true });
  });

  it('lets a normal item wait for the one on air, and a higher rank go first', async () => {
    const { sink, openedAt } = open();
    const onAir = place(1000, new Date(openedAt + 350), 400);
    const normal = place(2000, new Date(openedAt + 400), 100, 'normal');
    const priority = place(3000, new Date(openedAt + 450), 100, 'priority');
    const [first, second, third] = await Promise.all([onAir, normal, priority]);
    expect(first).toMatchObject({ completed: true, playedMs: 400 });
    if (!second.started || !third.started) throw new Error('not started');
    // The priority item goes as soon as the output is free, then the normal one: each follows the
    // one before it to the sample.
    const bytes = sink.bytes();
    expect(span(bytes, 3000).first).toBe(span(bytes, 1000).last);
    expect(span(bytes, 2000).first).toBe(span(bytes, 3000).last);
    // Each placement maps its instant through the wall clock's whole milliseconds when it is
    // placed, so against another placement's instant a start is exact to about a millisecond.
    expect(Math.abs(third.startErrorMs - 300)).toBeLessThan(2);
    expect(Math.abs(second.startErrorMs - 450)).toBeLessThan(2);
  });

  it('takes an aborted item off: before its start it never starts, on air it stops', async () => {
    const { openedAt } = open();
    const before = new AbortController();
    const never = place(1000, new Date(openedAt + 800), 200, 'normal', before.signal);
    before.abort();
    expect(await never).toEqual({ started: false });
    const stop = new AbortController();
    const stopped = place(2000, new Date(Date.now() + 350), 5000, 'normal', stop.signal);
    setTimeout(() => stop.abort(), 900);
    const result = await stopped;
    expect(result).toMatchObject({ started: true, completed: false });
    if (!result.started) throw new Error('not started');
    expect(result.playedMs).toBeGreaterThan(400);
    expect(result.playedMs).toBeLessThan(800);
  });
});
