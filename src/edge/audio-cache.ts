import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { EdgeStore } from './edge-store';
import type { ManifestAudio } from '../fleet/protocol';
import type { ServerApi } from './server-api';

type Audio = ManifestAudio;

export async function fileSha256(path: string): Promise<string> {
  const digest = createHash('sha256');
  await pipeline(createReadStream(path), digest);
  return digest.digest('hex');
}

/**
 * The audio cache, `EDGE_DATA_DIR/audio/<audio id>`: a file is there under its final name only
 * once its bytes and sha256 matched the manifest; a download in progress is `<id>.part` and is
 * resumed. Before an item plays its file is checked again: a corrupt file is dropped, not played.
 */
export class AudioCache {
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(
    private readonly dir: string,
    private readonly store: EdgeStore,
    private readonly api: ServerApi,
  ) {}

  path(audioId: string): string {
    return join(this.dir, audioId);
  }

  /** Reads the whole file: true when it is the audio the manifest names (else it is dropped). */
  async check(audio: Audio): Promise<boolean> {
    const path = this.path(audio.id);
    try {
      const info = await stat(path);
      if (info.size === audio.bytes && (await fileSha256(path)) === audio.sha256) return true;
    } catch {
      // missing
    }
    await this.drop(audio.id);
    return false;
  }

  /** Quick look (size only) at a file believed good, as each sync does for the whole cache. */
  async looksIntact(audio: Audio): Promise<boolean> {
    try {
      return (await stat(this.path(audio.id))).size === audio.bytes;
    } catch {
      return false;
    }
  }

  async drop(audioId: string): Promise<void> {
    await rm(this.path(audioId), { force: true });
    await this.store.setAudioVerified(audioId, null);
  }

  /** Downloads (resuming) and checks one audio; one download per audio at a time. */
  fetch(audio: Audio): Promise<boolean> {
    const running = this.inFlight.get(audio.id);
    if (running) return running;
    const task = this.download(audio).finally(() => this.inFlight.delete(audio.id));
    this.inFlight.set(audio.id, task);
    return task;
  }

  private async download(audio: Audio): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    const part = `${this.path(audio.id)}.part`;
    await this.api.download(audio.url, part);
    const size = (await stat(part)).size;
    if (size !== audio.bytes || (await fileSha256(part)) !== audio.sha256) {
      // Wrong or too long: start again from nothing next time.
      await rm(part, { force: true });
      if (size < audio.bytes) return false;
      throw new Error(`audio ${audio.id} does not match its sha256 after download`);
    }
    await rename(part, this.path(audio.id));
    await this.store.setAudioVerified(audio.id, Date.now());
    return true;
  }
}
