import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BigIntStats } from 'node:fs';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CheckpointView } from './checkpoint.view';

/**
 * The longest line the journal writes. Linux appends one `write()` under `O_APPEND` to a local
 * file as a whole, so lines of instances sharing the file never interleave; a checkpoint line is
 * about 280 bytes, and staying below PIPE_BUF (4096) keeps the guarantee on every file system
 * that gives it at all.
 */
export const MAX_JOURNAL_LINE_BYTES = 4096;

const READ_CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;
const LINE_START = '{"communeCode":';

/** The journal's line for a checkpoint: its JSON, keys in the order they are served, and `\n`. */
export function journalLine(checkpoint: CheckpointView): string {
  return `${JSON.stringify({
    communeCode: checkpoint.communeCode,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    signedAt: checkpoint.signedAt,
    keyId: checkpoint.keyId,
    signature: checkpoint.signature,
  })}\n`;
}

function asCheckpoint(text: string): CheckpointView | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { communeCode, seq, hash, signedAt, keyId, signature } = value as Record<string, unknown>;
  if (
    typeof communeCode !== 'string' ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    typeof hash !== 'string' ||
    typeof signedAt !== 'string' ||
    typeof keyId !== 'string' ||
    typeof signature !== 'string'
  ) {
    return null;
  }
  return { communeCode, seq, hash, signedAt, keyId, signature };
}

/**
 * One journal line read back; null when it is no checkpoint. A line torn by a failed write (a
 * full disk) and followed by the next append is read from its last checkpoint start.
 */
export function parseJournalLine(line: string): CheckpointView | null {
  const whole = asCheckpoint(line);
  if (whole) return whole;
  const start = line.lastIndexOf(LINE_START);
  return start > 0 ? asCheckpoint(line.slice(start)) : null;
}

/**
 * Every checkpoint the service signs, also appended to a file outside the database
 * (`CHECKPOINT_JOURNAL_FILE`, one JSON line each, `O_APPEND` and fsync before the checkpoint is
 * served as made): whoever rewrites the database and deletes its checkpoint rows cannot take
 * these back. Nothing here is trusted either: the service checks each line's signature.
 *
 * Read through an index in memory that follows the file: lines appended since the last read
 * (by this instance or another sharing the file) are read on the next lookup; a file replaced,
 * shortened or rewritten in place (same size, new mtime) is read again from the start. (Bytes
 * changed in place while the file also grew, or within one tick of the file system's clock, are
 * seen at the next start.)
 */
@Injectable()
export class CheckpointJournal implements OnModuleInit {
  private readonly logger = new Logger(CheckpointJournal.name);
  private readonly file: string;
  private byCommune = new Map<string, CheckpointView[]>();
  /** The file as last read, and how many of its bytes (whole lines) were read. */
  private seen: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint } | null = null;
  private offset = 0;
  private lineNumber = 0;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.file = config.checkpoints.journalFile;
  }

  async onModuleInit(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
  }

  /** Appends the checkpoint as one line with one write call, and waits until it is on disk. */
  async append(checkpoint: CheckpointView): Promise<void> {
    const line = Buffer.from(journalLine(checkpoint), 'utf8');
    if (line.length > MAX_JOURNAL_LINE_BYTES) {
      throw new Error(`A checkpoint journal line of ${line.length} bytes is too long`);
    }
    const handle = await open(this.file, 'a', 0o644);
    try {
      const { bytesWritten } = await handle.write(line, 0, line.length);
      if (bytesWritten !== line.length) {
        throw new Error(`Only ${bytesWritten} of ${line.length} bytes reached ${this.file}`);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Takes these communes' lines out of the journal, for chains removed whole (the demo's, by
   * `npm run demo:remove`): their checkpoints describe a log that no longer exists, and kept they
   * would call the commune's next chain broken. Nothing else removes a line. The file is written
   * anew (temporary file, fsync, rename); a checkpoint another instance appends meanwhile would be
   * lost, which is why only the demo's removal calls it.
   */
  async forget(communeCodes: readonly string[]): Promise<void> {
    if (communeCodes.length === 0) return;
    const dropped = new Set(communeCodes);
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const lines = text.split('\n');
    const kept = lines.filter((line) => {
      const checkpoint = line.trim() === '' ? null : parseJournalLine(line);
      return !(checkpoint && dropped.has(checkpoint.communeCode));
    });
    if (kept.length === lines.length) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(kept.join('\n'), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
  }

  /** The commune's checkpoints in the journal, in the order they were appended. */
  async of(communeCode: string): Promise<CheckpointView[]> {
    await this.refresh();
    return [...(this.byCommune.get(communeCode) ?? [])];
  }

  /** The checkpoints in the journal of each of these communes (one read of the file). */
  async ofEach(communeCodes: readonly string[]): Promise<Map<string, CheckpointView[]>> {
    await this.refresh();
    return new Map(
      communeCodes.map((communeCode) => [
        communeCode,
        [...(this.byCommune.get(communeCode) ?? [])],
      ]),
    );
  }

  /** Lookups wait for one another's reading, so the index is read by one at a time. */
  private refresh(): Promise<void> {
    const run = this.refreshing.then(() => this.catchUp());
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<void> {
    let info: BigIntStats;
    try {
      info = await stat(this.file, { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.reset(null);
      return;
    }
    const seen = this.seen;
    const sameFile = seen !== null && seen.dev === info.dev && seen.ino === info.ino;
    if (sameFile && info.size === seen.size && info.mtimeNs === seen.mtimeNs) return;
    if (!sameFile || info.size <= seen.size) this.reset(null);
    await this.readFrom(info);
  }

  private reset(seen: CheckpointJournal['seen']): void {
    this.byCommune = new Map();
    this.seen = seen;
    this.offset = 0;
    this.lineNumber = 0;
  }

  /** Reads the whole lines between `offset` and the size `info` gave, in chunks. */
  private async readFrom(info: BigIntStats): Promise<void> {
    const end = Number(info.size);
    const handle = await open(this.file, 'r');
    try {
      let pending = Buffer.alloc(0);
      let position = this.offset;
      while (position < end) {
        const chunk = Buffer.alloc(Math.min(READ_CHUNK, end - position));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
        let start = 0;
        for (let index = pending.indexOf(NEWLINE); index >= 0;) {
          this.take(pending.subarray(start, index).toString('utf8'));
          start = index + 1;
          index = pending.indexOf(NEWLINE, start);
        }
        this.offset += start;
        pending = pending.subarray(start);
      }
    } finally {
      await handle.close();
    }
    // A line still being written stays unread until its newline arrives.
    this.seen = { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs };
  }

  private take(line: string): void {
    this.lineNumber += 1;
    if (line.trim() === '') return;
    const checkpoint = parseJournalLine(line);
    if (!checkpoint) {
      this.logger.error(`${this.file}, line ${this.lineNumber}: not a checkpoint; ignored`);
      return;
    }
    const list = this.byCommune.get(checkpoint.communeCode);
    if (list) list.push(checkpoint);
    else this.byCommune.set(checkpoint.communeCode, [checkpoint]);
  }
}
