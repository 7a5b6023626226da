import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { join } from 'node:path';
import { Clock } from '../common/clock';
import { StatusMessage } from '../fleet/protocol';
import { FfmpegBinaries } from '../media/ffmpeg-binaries';
import { LivePlayer } from '../playout/player/live-player';
import { Player } from '../playout/player/player';
import { RelayPlayer } from '../playout/player/relay-player';
import { sleep } from '../playout/player/precise-wait';
import { DecoderProcess } from '../playout/sinks/audio-sinks';
import { PlayoutProcess } from '../playout/sinks/playout-process';
import { commandArgs } from '../playout/sinks/sink-args';
import { liveDecoderCommand } from '../live/live-stream-args';
import { AudioCache } from './audio-cache';
import { BrokerLink, EdgeAck, EdgeCommand } from './broker-link';
import { EDGE_CONFIG, EdgeConfig } from './edge-config';
import { loadOrEnrol } from './edge-identity';
import { EdgePlayback } from './edge-playback';
import { EdgeStore } from './edge-store';
import { EdgeSync } from './edge-sync';
import { ReceiptChainStart } from './receipt-chain';
import { ReceiptUploader } from './receipt-uploader';
import { ServerApi } from './server-api';

const STATUS_DEBOUNCE_MS = 200;
/** A live stream's decoder never outlives this (the server ends a session long before). */
const LIVE_DECODER_TIMEOUT_MS = 4 * 3600 * 1000;

interface Parts {
  store: EdgeStore;
  chain: ReceiptChainStart;
  sync: EdgeSync;
  playback: EdgePlayback;
  uploader: ReceiptUploader;
  broker: BrokerLink;
  cache: AudioCache;
  api: ServerApi;
}

/**
 * The edge player: enrols (first start) or reads its identity, recovers its journal, starts
 * playing from the local state at once, then connects to the broker and the server, which it
 * only needs to sync, report and upload.
 */
@Injectable()
export class EdgeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Edge');
  private parts: Parts | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private statusTimer: NodeJS.Timeout | null = null;
  private volume = 100;
  private readonly commandsInFlight = new Map<string, Promise<EdgeAck>>();

  constructor(
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
    private readonly player: Player,
    private readonly relayPlayer: RelayPlayer,
    private readonly livePlayer: LivePlayer,
    private readonly binaries: FfmpegBinaries,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    const api = new ServerApi(config.serverUrl);
    const { identity, privateKey, receiptChain } = await loadOrEnrol(
      config,
      api,
      (message) => this.logger.log(message),
      (ms) => sleep(ms),
    );
    api.useToken(identity.apiToken);
    const store = await EdgeStore.open(join(config.dataDir, 'edge.sqlite'));
    this.volume = Number((await store.getValue('volume')) ?? 100);
    const chain = new ReceiptChainStart(identity.deviceId, store, api);
    await chain.open(receiptChain, this.clock.nowMs());
    const cache = new AudioCache(join(config.dataDir, 'audio'), store, api);
    const changed = (): void => this.statusSoon();
    const uploader = new ReceiptUploader(identity.deviceId, store, api, config.maxBackoffMs);
    const playback = new EdgePlayback(
      config,
      identity.deviceId,
      identity.communeCode,
      store,
      cache,
      this.player,
      this.relayPlayer,
      {
        player: this.livePlayer,
        open: (url) => this.openLiveStream(url, identity.apiToken),
      },
      this.clock,
      privateKey,
      (receipt) => {
        if (receipt) uploader.wake();
        changed();
      },
    );
    playback.power = (await store.getValue('power')) === 'off' ? 'off' : 'on';
    playback.volume = this.volume;
    const sync = new EdgeSync(identity.deviceId, store, api, cache, chain, changed);
    const broker = new BrokerLink(
      {
        url: config.mqttUrl ?? identity.mqtt.url,
        deviceId: identity.deviceId,
        communeCode: identity.communeCode,
        username: identity.mqtt.username,
        password: identity.mqtt.password,
        keepaliveSeconds: config.keepaliveSeconds,
        maxBackoffMs: config.maxBackoffMs,
      },
      {
        onConnect: () => {
          this.statusSoon();
          this.syncInBackground();
          uploader.wake();
        },
        onCommand: (command) => void this.command(command),
      },
    );
    this.parts = { store, chain, sync, playback, uploader, broker, cache, api };

    await playback.recover();
    playback.start();
    this.logger.log(
      `Edge player ready: device ${identity.deviceId} of commune ${identity.communeCode}, sink ${config.sink}`,
    );
    broker.start();
    uploader.wake();
    this.syncInBackground();
    this.timers.push(setInterval(() => this.syncInBackground(), config.syncIntervalMs));
    this.timers.push(setInterval(() => uploader.wake(), config.syncIntervalMs));
    this.timers.push(setInterval(() => this.statusSoon(), config.statusIntervalMs));
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    const parts = this.parts;
    if (!parts) return;
    await parts.playback.shutdown();
    await parts.uploader.stop();
    await parts.broker.stop();
    await parts.store.close();
  }

  private syncInBackground(): void {
    this.parts?.sync.sync().then(
      () => this.parts?.uploader.wake(),
      (error: Error) => this.logger.warn(`Sync failed: ${error.message}`),
    );
  }

  private statusSoon(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      void this.publishStatus();
    }, STATUS_DEBOUNCE_MS);
  }

  private async publishStatus(): Promise<void> {
    const parts = this.parts;
    if (!parts?.broker.connected) return;
    const playing = parts.playback.playing;
    const status: StatusMessage = {
      status: playing ? 'playing' : 'online',
      ts: this.clock.now().toISOString(),
      cachedUntil: await parts.sync.cachedUntil(this.clock.nowMs()),
      volume: this.volume,
      power: parts.playback.power,
      version: this.config.version,
      playing,
    };
    if (parts.api.clockSkewMs !== undefined) status.clockSkewMs = parts.api.clockSkewMs;
    parts.broker.publishStatus(status);
  }

  /**
   * Acts on a command once; QoS 1 (or the server resending an emergency) may bring it again:
   * each delivery is acknowledged with the first one's answer.
   */
  private async command(command: EdgeCommand): Promise<void> {
    const parts = this.parts;
    if (!parts) return;
    const running = this.commandsInFlight.get(command.id);
    if (running) {
      parts.broker.ack(await running);
      return;
    }
    if (!(await parts.store.takeCommand(command.id, this.clock.nowMs()))) {
      const previous = await parts.store.commandAck(command.id);
      if (previous) parts.broker.ack(JSON.parse(previous) as EdgeAck);
      return;
    }
    const answer = this.execute(parts, command).then(
      (extra): EdgeAck => ({ id: command.id, ok: true, ...extra }),
      (error: Error): EdgeAck => ({ id: command.id, ok: false, error: error.message }),
    );
    this.commandsInFlight.set(command.id, answer);
    try {
      const ack = await answer;
      await parts.store.saveCommandAck(command.id, JSON.stringify(ack));
      parts.broker.ack(ack);
    } finally {
      this.commandsInFlight.delete(command.id);
    }
    this.statusSoon();
  }

  private async execute(parts: Parts, command: EdgeCommand): Promise<Partial<EdgeAck>> {
    switch (command.type) {
      case 'sync':
        await parts.sync.sync();
        return {};
      case 'volume':
        this.volume = command.volume;
        parts.playback.volume = command.volume;
        await parts.store.setValue('volume', String(command.volume));
        return {};
      case 'power':
        parts.playback.power = command.power;
        await parts.store.setValue('power', command.power);
        if (command.power === 'off') parts.playback.stopCurrent('power-off');
        return {};
      case 'stop':
        parts.playback.stopCurrent('command');
        return {};
      case 'play-live': {
        // A live item comes without a manifest: its receipt too goes on from the chain's head.
        await parts.chain.ensure().catch((error: Error) => {
          this.logger.warn(`Receipt chain head not known: ${error.message}`);
        });
        const startedAt = await parts.playback.playLive(command);
        if (!startedAt) throw new Error(`live item ${command.scheduleItemId} did not start`);
        return { startedAt: startedAt.toISOString() };
      }
      case 'play-emergency':
        // A command kept by the broker while the box was offline, for an emergency now over.
        if (command.endsAt && Date.parse(command.endsAt) <= this.clock.nowMs()) {
          throw new Error('expired');
        }
        return this.emergency(parts, command.scheduleItemId);
    }
  }

  /** The server's live stream (`play-live`'s path), decoded as it arrives. */
  private openLiveStream(path: string, apiToken: string): DecoderProcess {
    const url = new URL(path, this.config.serverUrl).toString();
    const process = new PlayoutProcess(
      this.binaries.ffmpegPath,
      commandArgs(liveDecoderCommand(url, apiToken)),
      LIVE_DECODER_TIMEOUT_MS,
    );
    process.stdin.end();
    return { output: process.stdout, exited: process.exited, kill: () => process.kill() };
  }

  private async emergency(parts: Parts, scheduleItemId: string): Promise<Partial<EdgeAck>> {
    let item = await parts.store.item(scheduleItemId);
    if (!item) {
      await parts.sync.sync().catch(() => undefined);
      item = await parts.store.item(scheduleItemId);
    }
    if (!item) throw new Error(`item ${scheduleItemId} is not in this cluster's manifest`);
    if (!item.audio || item.relay) throw new Error(`item ${scheduleItemId} is not a bulletin`);
    if (!(await parts.cache.check(item.audio))) {
      await parts.cache.fetch(item.audio);
      if (!(await parts.cache.check(item.audio))) {
        throw new Error(`the audio of item ${scheduleItemId} could not be fetched intact`);
      }
    }
    const startedAt = await parts.playback.playNow(item);
    if (!startedAt) throw new Error(`item ${scheduleItemId} did not start`);
    return { startedAt: startedAt.toISOString() };
  }
}
