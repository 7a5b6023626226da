import { KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database } from 'sqlite3';
import { Mutex } from '../common/mutex';
import type { BroadcastPolicy } from '../schedule/broadcast-policy';
import {
  Manifest,
  ManifestAudio,
  ManifestRelay,
  Receipt,
  ReceiptChainHead,
  ReceiptFields,
  sealReceipt,
} from '../fleet/protocol';

type Row = Record<string, string | number | null>;

/** A play as the journal knows it: claimed (`pending`), on air (`playing`) or receipted (`done`). */
export interface PlayState {
  scheduleItemId: string;
  state: 'pending' | 'playing' | 'done';
  startedAt: number | null;
  progressMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  schedule_item_id TEXT PRIMARY KEY, starts_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  priority TEXT NOT NULL, zones TEXT, audio_id TEXT NOT NULL, audio_sha256 TEXT NOT NULL,
  audio_bytes INTEGER NOT NULL, audio_url TEXT NOT NULL, first_seen_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audio (
  id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, verified_at INTEGER);
CREATE TABLE IF NOT EXISTS plays (
  schedule_item_id TEXT PRIMARY KEY, state TEXT NOT NULL, started_at INTEGER,
  progress_ms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS receipts (
  seq INTEGER PRIMARY KEY, schedule_item_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
  uploaded_at INTEGER);
CREATE INDEX IF NOT EXISTS receipts_pending ON receipts (seq) WHERE uploaded_at IS NULL;
CREATE TABLE IF NOT EXISTS commands (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL, ack TEXT);
CREATE TABLE IF NOT EXISTS set_aside_receipts (
  device_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, uploaded_at INTEGER,
  set_aside_at INTEGER NOT NULL, PRIMARY KEY (device_id, seq));
`;

/** kv key: where the server's copy of the device's chain ended when the journal held none of it. */
const CHAIN_BASE_KEY = 'receipt-chain-base';

/** kv key: the device whose manifest and plays the journal holds (`adoptDevice`). */
const DEVICE_KEY = 'device';

/** What `adoptDevice` did to a journal of another device. */
export interface Adoption {
  /** The device the journal held before (null: none known). */
  previousDevice: string | null;
  /** Receipts of other devices' chains set aside. */
  receipts: number;
  /** Manifest items of the previous device dropped. */
  items: number;
  /** Its plays not closed by a receipt, dropped. */
  unfinishedPlays: PlayState[];
}

/** The server's chain head the journal's first receipt of `deviceId` follows. */
interface ChainBase extends ReceiptChainHead {
  deviceId: string;
}

/** Items that ended this long ago leave the local manifest (their plays and receipts stay). */
const KEEP_PAST_ITEMS_MS = 7 * 24 * 3600 * 1000;

/**
 * The edge player's local state in one SQLite file (EDGE_DATA_DIR/edge.sqlite): the manifest,
 * the cache's verified audio, the journal of plays and its receipts, commands already acted on.
 * WAL with `synchronous=FULL`: a write that resolved survives a power cut. Writes go one at a time.
 */
export class EdgeStore {
  private readonly writes = new Mutex();

  private constructor(private readonly db: Database) {}

  static async open(file: string): Promise<EdgeStore> {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const db = await new Promise<Database>((resolve, reject) => {
      const opened = new Database(file, (error) => (error ? reject(error) : resolve(opened)));
    });
    const store = new EdgeStore(db);
    await store.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;');
    await store.exec(SCHEMA);
    await store.addColumnIfMissing('items', 'relay', 'TEXT');
    return store;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.db.close(() => resolve()));
  }

  // --- settings -------------------------------------------------------------------------------

  async getValue(key: string): Promise<string | undefined> {
    const row = await this.get('SELECT value FROM kv WHERE key = ?', [key]);
    return row ? String(row.value) : undefined;
  }

  setValue(key: string, value: string): Promise<void> {
    return this.update('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)', [key, value]);
  }

  // --- manifest and cache ---------------------------------------------------------------------

  /**
   * Takes a new manifest: its items replace the future ones (an item the server no longer sends
   * was cancelled); items already past stay until a week after they ended.
   */
  replaceManifest(manifest: Manifest, nowMs: number): Promise<void> {
    return this.write(() =>
      this.transaction(async () => {
        const known = new Map<string, number>();
        for (const row of await this.all('SELECT schedule_item_id, first_seen_at FROM items')) {
          known.set(String(row.schedule_item_id), Number(row.first_seen_at));
        }
        await this.run('DELETE FROM items WHERE starts_at > ? OR starts_at + duration_ms < ?', [
          nowMs,
          nowMs - KEEP_PAST_ITEMS_MS,
        ]);
        for (const item of manifest.items) {
          await this.run(
            `INSERT OR REPLACE INTO items (schedule_item_id, starts_at, duration_ms, priority, zones,
               audio_id, audio_sha256, audio_bytes, audio_url, first_seen_at, relay)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              item.scheduleItemId,
              Date.parse(item.startsAt),
              item.durationMs,
              item.priority,
              item.zones === null ? null : JSON.stringify(item.zones),
              // A relay without a fallback bulletin has no audio: empty columns stand for none.
              item.audio?.id ?? '',
              item.audio?.sha256 ?? '',
              item.audio?.bytes ?? 0,
              item.audio?.url ?? '',
              known.get(item.scheduleItemId) ?? nowMs,
              item.kind === 'relay' && item.relay ? JSON.stringify(item.relay) : null,
            ],
          );
          if (!item.audio) continue;
          await this.run('INSERT OR IGNORE INTO audio (id, sha256, bytes) VALUES (?, ?, ?)', [
            item.audio.id,
            item.audio.sha256,
            item.audio.bytes,
          ]);
        }
        await this.run('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)', [
          'manifest',
          JSON.stringify({
            generatedAt: manifest.generatedAt,
            horizonUntil: manifest.horizonUntil,
            policy: manifest.policy ?? null,
          }),
        ]);
      }),
    );
  }

  async manifestHorizon(): Promise<string | null> {
    const meta = await this.getValue('manifest');
    return meta ? (JSON.parse(meta) as { horizonUntil: string }).horizonUntil : null;
  }

  /** The broadcast policy of the last manifest; null when the server sent none. */
  async policy(): Promise<BroadcastPolicy | null> {
    const meta = await this.getValue('manifest');
    return meta ? ((JSON.parse(meta) as { policy?: BroadcastPolicy | null }).policy ?? null) : null;
  }

  async items(): Promise<StoredItem[]> {
    const rows = await this.all('SELECT * FROM items ORDER BY starts_at, schedule_item_id');
    return rows.map(toItem);
  }

  async item(scheduleItemId: string): Promise<StoredItem | undefined> {
    const row = await this.get('SELECT * FROM items WHERE schedule_item_id = ?', [scheduleItemId]);
    return row ? toItem(row) : undefined;
  }

  async verifiedAudio(): Promise<Set<string>> {
    const rows = await this.all('SELECT id FROM audio WHERE verified_at IS NOT NULL');
    return new Set(rows.map((row) => String(row.id)));
  }

  setAudioVerified(audioId: string, verifiedAt: number | null): Promise<void> {
    return this.update('UPDATE audio SET verified_at = ? WHERE id = ?', [verifiedAt, audioId]);
  }

  // --- journal ---------------------------------------------------------------------------------

  /** Claims an item for playing: false when it was claimed (or played) before. */
  claimPlay(scheduleItemId: string): Promise<boolean> {
    return this.write(async () => {
      const changes = await this.run(
        "INSERT OR IGNORE INTO plays (schedule_item_id, state) VALUES (?, 'pending')",
        [scheduleItemId],
      );
      return changes === 1;
    });
  }

  /** Gives back a claim whose item never started (a shutdown before its start). */
  dropClaim(scheduleItemId: string): Promise<void> {
    return this.update("DELETE FROM plays WHERE schedule_item_id = ? AND state = 'pending'", [
      scheduleItemId,
    ]);
  }

  markPlaying(scheduleItemId: string, startedAt: number): Promise<void> {
    return this.update(
      "UPDATE plays SET state = 'playing', started_at = ? WHERE schedule_item_id = ?",
      [startedAt, scheduleItemId],
    );
  }

  markProgress(scheduleItemId: string, progressMs: number): Promise<void> {
    return this.update(
      "UPDATE plays SET progress_ms = ? WHERE schedule_item_id = ? AND state = 'playing'",
      [progressMs, scheduleItemId],
    );
  }

  async play(scheduleItemId: string): Promise<PlayState | undefined> {
    const row = await this.get('SELECT * FROM plays WHERE schedule_item_id = ?', [scheduleItemId]);
    return row ? toPlay(row) : undefined;
  }

  async plays(): Promise<Map<string, PlayState>> {
    const rows = await this.all('SELECT * FROM plays');
    return new Map(rows.map((row) => [String(row.schedule_item_id), toPlay(row)]));
  }

  /**
   * Makes the journal `deviceId`'s. A journal of another device (the box was enrolled as another
   * cluster) keeps nothing that could be played or receipted under the new identity: the items
   * of its manifest go (they were sent to the other cluster: a receipt of one, even `missed`, is
   * refused `not-sent` and stops this device's uploads), and so do its plays not closed by a
   * receipt (a claim, or a play on air when the process stopped: its receipt would be the other
   * cluster's, whose chain ends here). Its receipts are moved out of the journal: signed for the
   * other cluster, they cannot be uploaded under this device's token and this device's chain
   * numbers its receipts afresh; they are kept aside, as they were signed, for whoever looks into
   * the box (`set_aside_receipts`). Plays closed by a receipt stay (nothing plays twice). In one
   * transaction; answers what was set aside and dropped.
   */
  adoptDevice(deviceId: string, nowMs: number): Promise<Adoption> {
    return this.write(() =>
      this.transaction(async () => {
        const owner = await this.journalDevice();
        let items = 0;
        let unfinished: PlayState[] = [];
        if (owner !== null && owner !== deviceId) {
          items = await this.run('DELETE FROM items');
          unfinished = (await this.all("SELECT * FROM plays WHERE state <> 'done'")).map(toPlay);
          await this.run("DELETE FROM plays WHERE state <> 'done'");
        }
        const receipts = await this.moveOtherChainsAside(deviceId, nowMs);
        await this.run('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)', [
          DEVICE_KEY,
          deviceId,
        ]);
        return { previousDevice: owner, receipts, items, unfinishedPlays: unfinished };
      }),
    );
  }

  /**
   * The device whose manifest and plays the journal holds: the one it was last adopted by; for a
   * journal of an older version, the device of its last receipt or of its chain's base (null:
   * a journal that never knew, or an empty one).
   */
  private async journalDevice(): Promise<string | null> {
    const adopted = await this.getValue(DEVICE_KEY);
    if (adopted !== undefined) return adopted;
    return (await this.lastReceipt())?.deviceId ?? (await this.chainBase())?.deviceId ?? null;
  }

  /** Moves the receipts of other devices' chains to `set_aside_receipts`; answers how many. */
  private async moveOtherChainsAside(deviceId: string, nowMs: number): Promise<number> {
    const others = await this.all(
      "SELECT seq, body, uploaded_at FROM receipts WHERE json_extract(body, '$.deviceId') IS NOT ?",
      [deviceId],
    );
    for (const row of others) {
      const owner = (JSON.parse(String(row.body)) as Receipt).deviceId;
      await this.run(
        `INSERT OR REPLACE INTO set_aside_receipts (device_id, seq, body, uploaded_at, set_aside_at)
         VALUES (?, ?, ?, ?, ?)`,
        [owner, row.seq, row.body, row.uploaded_at, nowMs],
      );
      await this.run('DELETE FROM receipts WHERE seq = ?', [row.seq]);
    }
    return others.length;
  }

  /** The receipts set aside from other devices' chains (`adoptDevice`), oldest first. */
  async setAsideReceipts(): Promise<Receipt[]> {
    const rows = await this.all('SELECT body FROM set_aside_receipts ORDER BY set_aside_at, seq');
    return rows.map((row) => JSON.parse(String(row.body)) as Receipt);
  }

  /**
   * Whether the journal knows where the device's chain goes on: it holds a receipt of it, or the
   * server's head was recorded (`startChainAt`) while it held none.
   */
  async knowsChainOf(deviceId: string): Promise<boolean> {
    if (await this.holdsChainOf(deviceId)) return true;
    return (await this.chainBase())?.deviceId === deviceId;
  }

  /**
   * Records the server's head of the device's chain as where the journal's chain goes on, unless
   * the journal holds a receipt of it already (a box that keeps its journal goes on with its own
   * chain). False when it did.
   */
  startChainAt(deviceId: string, head: ReceiptChainHead): Promise<boolean> {
    return this.write(async () => {
      if (await this.holdsChainOf(deviceId)) return false;
      const base: ChainBase = { deviceId, lastSeq: head.lastSeq, lastHash: head.lastHash };
      await this.run('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)', [
        CHAIN_BASE_KEY,
        JSON.stringify(base),
      ]);
      return true;
    });
  }

  private async holdsChainOf(deviceId: string): Promise<boolean> {
    const last = await this.lastReceipt();
    return last?.deviceId === deviceId;
  }

  private async lastReceipt(): Promise<Receipt | null> {
    const row = await this.get('SELECT body FROM receipts ORDER BY seq DESC LIMIT 1');
    return row ? (JSON.parse(String(row.body)) as Receipt) : null;
  }

  private async chainBase(): Promise<ChainBase | null> {
    const value = await this.getValue(CHAIN_BASE_KEY);
    return value ? (JSON.parse(value) as ChainBase) : null;
  }

  /**
   * The receipt a new receipt of `deviceId` follows: the journal's last, or, while the journal
   * holds none, the server's head recorded by `startChainAt` (none: the chain starts at seq 1).
   */
  private async previousReceipt(deviceId: string): Promise<Pick<Receipt, 'seq' | 'hash'> | null> {
    const last = await this.lastReceipt();
    if (last) {
      if (last.deviceId !== deviceId) {
        throw new Error(
          `The journal holds device ${last.deviceId}'s receipts, not ${deviceId}'s: set them aside first`,
        );
      }
      return last;
    }
    const base = await this.chainBase();
    if (base?.deviceId !== deviceId || base.lastSeq === 0) return null;
    return { seq: base.lastSeq, hash: base.lastHash };
  }

  /**
   * Appends the receipt of an item to the journal, sealed on the chain's last receipt (or the
   * server's head, `startChainAt`), and closes its play, in one durable transaction. Undefined
   * when the item has a receipt already.
   */
  appendReceipt(
    fields: Omit<ReceiptFields, 'seq'>,
    privateKey: KeyObject,
  ): Promise<Receipt | undefined> {
    return this.write(() =>
      this.transaction(async () => {
        const existing = await this.get('SELECT seq FROM receipts WHERE schedule_item_id = ?', [
          fields.scheduleItemId,
        ]);
        if (existing) return undefined;
        const previous = await this.previousReceipt(fields.deviceId);
        const receipt = sealReceipt(previous, fields, privateKey);
        await this.run('INSERT INTO receipts (seq, schedule_item_id, body) VALUES (?, ?, ?)', [
          receipt.seq,
          receipt.scheduleItemId,
          JSON.stringify(receipt),
        ]);
        await this.run(
          `INSERT INTO plays (schedule_item_id, state, started_at, progress_ms) VALUES (?, 'done', ?, ?)
           ON CONFLICT (schedule_item_id) DO UPDATE SET state = 'done', progress_ms = excluded.progress_ms`,
          [
            fields.scheduleItemId,
            fields.startedAt ? Date.parse(fields.startedAt) : null,
            fields.playedMs,
          ],
        );
        return receipt;
      }),
    );
  }

  async receipts(): Promise<Receipt[]> {
    const rows = await this.all('SELECT body FROM receipts ORDER BY seq');
    return rows.map((row) => JSON.parse(String(row.body)) as Receipt);
  }

  async unsentReceipts(limit: number): Promise<Receipt[]> {
    const rows = await this.all(
      'SELECT body FROM receipts WHERE uploaded_at IS NULL ORDER BY seq LIMIT ?',
      [limit],
    );
    return rows.map((row) => JSON.parse(String(row.body)) as Receipt);
  }

  markUploaded(seqs: number[], at: number): Promise<void> {
    return this.write(() =>
      this.transaction(async () => {
        for (const seq of seqs) {
          await this.run('UPDATE receipts SET uploaded_at = ? WHERE seq = ?', [at, seq]);
        }
      }),
    );
  }

  // --- commands --------------------------------------------------------------------------------

  /** The acknowledgement already given to a command, if it was acted on before. */
  async commandAck(id: string): Promise<string | null | undefined> {
    const row = await this.get('SELECT ack FROM commands WHERE id = ?', [id]);
    return row ? (row.ack === null ? null : String(row.ack)) : undefined;
  }

  /** First sight of a command: false when it was seen before (QoS 1 may deliver it twice). */
  takeCommand(id: string, at: number): Promise<boolean> {
    return this.write(async () => {
      const changes = await this.run(
        'INSERT OR IGNORE INTO commands (id, received_at) VALUES (?, ?)',
        [id, at],
      );
      return changes === 1;
    });
  }

  saveCommandAck(id: string, ack: string): Promise<void> {
    return this.update('UPDATE commands SET ack = ? WHERE id = ?', [ack, id]);
  }

  // --- plumbing --------------------------------------------------------------------------------

  private write<T>(task: () => Promise<T>): Promise<T> {
    return this.writes.run(task);
  }

  /** A write whose count of changed rows does not matter. */
  private update(sql: string, params: unknown[] = []): Promise<void> {
    return this.write(async () => {
      await this.run(sql, params);
    });
  }

  private async transaction<T>(task: () => Promise<T>): Promise<T> {
    await this.exec('BEGIN IMMEDIATE');
    try {
      const result = await task();
      await this.exec('COMMIT');
      return result;
    } catch (error) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Journals made by an older version gain the column (SQLite has no ADD COLUMN IF NOT EXISTS). */
  private async addColumnIfMissing(table: string, column: string, type: string): Promise<void> {
    const columns = await this.all(`PRAGMA table_info(${table})`);
    if (columns.some((row) => row.name === column)) return;
    await this.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }

  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.db.exec(sql, (error) => (error ? reject(error) : resolve())),
    );
  }

  private run(sql: string, params: unknown[] = []): Promise<number> {
    return new Promise((resolve, reject) =>
      this.db.run(sql, params, function (error) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    );
  }

  private get(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return new Promise((resolve, reject) =>
      this.db.get(sql, params, (error, row) => (error ? reject(error) : resolve(row as Row))),
    );
  }

  private all(sql: string, params: unknown[] = []): Promise<Row[]> {
    return new Promise((resolve, reject) =>
      this.db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as Row[]))),
    );
  }
}

/** A manifest item as the store keeps it (instants in epoch milliseconds). */
export interface StoredItem {
  scheduleItemId: string;
  startsAt: number;
  durationMs: number;
  priority: string;
  zones: string[] | null;
  /** A bulletin's audio, or a relay's fallback bulletin's; null for a relay without one. */
  audio: ManifestAudio | null;
  /** A relay's source (protocol 2); null for a bulletin. */
  relay: ManifestRelay | null;
  firstSeenAt: number;
}

function toItem(row: Row): StoredItem {
  return {
    scheduleItemId: String(row.schedule_item_id),
    startsAt: Number(row.starts_at),
    durationMs: Number(row.duration_ms),
    priority: String(row.priority),
    zones: row.zones === null ? null : (JSON.parse(String(row.zones)) as string[]),
    audio:
      row.audio_id === ''
        ? null
        : {
            id: String(row.audio_id),
            sha256: String(row.audio_sha256),
            bytes: Number(row.audio_bytes),
            url: String(row.audio_url),
          },
    relay: row.relay ? (JSON.parse(String(row.relay)) as ManifestRelay) : null,
    firstSeenAt: Number(row.first_seen_at),
  };
}

function toPlay(row: Row): PlayState {
  return {
    scheduleItemId: String(row.schedule_item_id),
    state: row.state as PlayState['state'],
    startedAt: row.started_at === null ? null : Number(row.started_at),
    progressMs: Number(row.progress_ms),
  };
}
