import { Logger } from '@nestjs/common';
import { AudioCache } from './audio-cache';
import type { EdgeStore } from './edge-store';
import { parseManifest } from '../fleet/protocol';
import { cachedUntil } from './cached-until';
import type { ReceiptChainStart } from './receipt-chain';
import type { ServerApi } from './server-api';

/**
 * Keeps the local manifest and the cache current: makes sure the journal knows where the
 * cluster's receipt chain goes on (`ReceiptChainStart`), fetches the manifest, stores it
 * (playback reads only the store), then downloads every audio an item still to come needs. One sync at a
 * time; a sync asked for while one runs waits for the next round.
 */
export class EdgeSync {
  private readonly logger = new Logger('EdgeSync');
  private running: Promise<void> | null = null;

  constructor(
    private readonly deviceId: string,
    private readonly store: EdgeStore,
    private readonly api: ServerApi,
    private readonly cache: AudioCache,
    private readonly chain: ReceiptChainStart,
    private readonly onChange: () => void,
  ) {}

  /** Resolves when a sync that began after this call has ended; rejects with its problem. */
  sync(): Promise<void> {
    if (this.running) {
      return this.running.catch(() => undefined).then(() => this.sync());
    }
    this.running = this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async cachedUntil(nowMs = Date.now()): Promise<string | null> {
    return cachedUntil(
      await this.store.items(),
      await this.store.verifiedAudio(),
      await this.store.manifestHorizon(),
      nowMs,
    );
  }

  private async round(): Promise<void> {
    // Nothing is played, so no receipt sealed, before the box knows where its chain goes on.
    await this.chain.ensure();
    const parsed = parseManifest(await this.api.manifest(this.deviceId));
    if (!parsed.ok) throw new Error(`The server's manifest is not usable: ${parsed.error}`);
    await this.store.replaceManifest(parsed.value, Date.now());
    this.onChange();
    const problems: string[] = [];
    const verified = await this.store.verifiedAudio();
    const seen = new Set<string>();
    for (const item of await this.store.items()) {
      if (!item.audio) continue;
      if (item.startsAt + item.durationMs <= Date.now() || seen.has(item.audio.id)) continue;
      seen.add(item.audio.id);
      if (verified.has(item.audio.id) && (await this.cache.looksIntact(item.audio))) continue;
      if (verified.has(item.audio.id)) await this.cache.drop(item.audio.id);
      try {
        if (!(await this.cache.fetch(item.audio)))
          problems.push(`audio ${item.audio.id} incomplete`);
      } catch (error) {
        problems.push((error as Error).message);
      }
      this.onChange();
    }
    this.onChange();
    if (problems.length > 0) throw new Error(problems.join('; '));
    this.logger.log(
      `Synced: ${parsed.value.items.length} items, cached until ${await this.cachedUntil()}`,
    );
  }
}
