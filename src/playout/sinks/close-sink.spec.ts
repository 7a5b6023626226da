import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegBinaries } from '../../media/ffmpeg-binaries';
import { CHUNK_BYTES } from '../player/pcm';
import { AudioSinks, SinkOutput } from './audio-sinks';
import { closeSink } from './close-sink';

/** Real ffmpeg sinks (the system's, or the bundled one). */
const sinks = new AudioSinks(new FfmpegBinaries({ ffmpeg: {} } as never));
const TIMEOUT_MS = 20000;

function writeSilence(sink: SinkOutput, chunks: number): void {
  for (let index = 0; index < chunks; index += 1) sink.input.write(Buffer.alloc(CHUNK_BYTES));
}

describe('closeSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'loa-xa-close-sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ends a play that ran to its end cleanly: the file sink keeps its archive', async () => {
    const path = join(dir, 'item.mp3');
    const sink = sinks.open({ kind: 'file', path }, TIMEOUT_MS);
    writeSilence(sink, 50);
    await expect(closeSink(sink, { clean: true, aborted: false })).resolves.toBeUndefined();
    expect(sink.running).toBe(false);
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it('kills the sink of a play cut off, at once, and says nothing when it was aborted', async () => {
    const sink = sinks.open({ kind: 'null' }, TIMEOUT_MS);
    writeSilence(sink, 5);
    const started = Date.now();
    await expect(closeSink(sink, { clean: false, aborted: true })).resolves.toBeUndefined();
    expect(sink.running).toBe(false);
    const exit = await sink.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('tells why a sink that stopped on its own failed (its stderr tail)', async () => {
    const path = join(dir, 'missing', 'nope.mp3');
    const sink = sinks.open({ kind: 'file', path }, TIMEOUT_MS);
    rmSync(join(dir, 'missing'), { recursive: true, force: true });
    writeSilence(sink, 5);
    sink.input.end();
    const exit = await sink.exited;
    expect(exit.code).not.toBe(0);
    const error = await closeSink(sink, { clean: false, aborted: false });
    expect(error).toMatch(/^The sink stopped: .*No such file or directory/s);
    expect(existsSync(path)).toBe(false);
  });

  it('reports a sink that exits with an error when it is ended cleanly', async () => {
    const path = join(dir, 'gone', 'item.mp3');
    const sink = sinks.open({ kind: 'file', path }, TIMEOUT_MS);
    rmSync(join(dir, 'gone'), { recursive: true, force: true });
    writeSilence(sink, 5);
    const error = await closeSink(sink, { clean: true, aborted: false });
    expect(error).toMatch(/^The sink exited with [1-9]\d*: .*No such file or directory/s);
  });
});
