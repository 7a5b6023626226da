import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Demuxer, identifyContainer, SNIFF_BYTES } from './audio-container';
import { mediaPaths } from './media-paths';

/** A file received or synthesized into `incoming/`, with its content address. */
export interface IncomingFile {
  path: string;
  size: number;
  sha256: string;
}

/** A rendition's size and the sha256 of its bytes. */
export interface RenditionFile {
  bytes: number;
  sha256: string;
}

/**
 * Every file-system effect of the media module: incoming temporary files, content-addressed
 * originals, renditions (written under a temporary name, flushed and renamed), and the scratch
 * folders of the processing jobs.
 */
@Injectable()
export class MediaStorage {
  private readonly mediaDir: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.mediaDir = config.mediaDir;
  }

  get incomingDir(): string {
    return mediaPaths.incoming(this.mediaDir);
  }

  /** A fresh name in `incoming/` (the folder is created). */
  async newIncomingPath(extension = 'part'): Promise<string> {
    await mkdir(this.incomingDir, { recursive: true });
    return join(this.incomingDir, `${randomUUID()}.${extension}`);
  }

  async describe(path: string): Promise<IncomingFile> {
    const [info, sha256] = await Promise.all([stat(path), sha256Of(path)]);
    return { path, size: info.size, sha256 };
  }

  originalPath(sha256: string): string {
    return mediaPaths.original(this.mediaDir, sha256);
  }

  renditionPath(assetId: string): string {
    return mediaPaths.rendition(this.mediaDir, assetId);
  }

  /**
   * Moves an incoming file to its content address. When the same bytes are stored already (for
   * another owner), the incoming copy is dropped.
   */
  async storeOriginal(file: IncomingFile): Promise<string> {
    const target = this.originalPath(file.sha256);
    await mkdir(dirname(target), { recursive: true });
    if (await exists(target)) {
      await this.remove(file.path);
    } else {
      await rename(file.path, target);
    }
    return target;
  }

  /** A temporary name beside the rendition; only `commitRendition` gives it the final name. */
  async renditionTempPath(assetId: string): Promise<string> {
    const final = this.renditionPath(assetId);
    await mkdir(dirname(final), { recursive: true });
    return `${final}.${randomUUID().slice(0, 8)}.tmp`;
  }

  /**
   * Flushes the finished temporary file to disk and renames it to the rendition's final name:
   * its size and the sha256 of its bytes. Its bytes are final, so they are hashed while they are
   * flushed (both read the page cache or wait on the disk, not on each other).
   */
  async commitRendition(tempPath: string, assetId: string): Promise<RenditionFile> {
    const [file] = await Promise.all([fileOf(tempPath), flush(tempPath)]);
    await rename(tempPath, this.renditionPath(assetId));
    return file;
  }

  /** The size and the sha256 of a rendition's bytes as they are on disk. */
  renditionFile(assetId: string): Promise<RenditionFile> {
    return fileOf(this.renditionPath(assetId));
  }

  /** Temporary renditions of an asset left by a run that was killed. */
  async removeRenditionTemps(assetId: string): Promise<void> {
    const dir = dirname(this.renditionPath(assetId));
    const prefix = `${basename(this.renditionPath(assetId))}.`;
    for (const name of await listDir(dir)) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) await this.remove(join(dir, name));
    }
  }

  /** A new, empty scratch folder for one processing run; older ones of the asset are removed. */
  async freshWorkDir(assetId: string): Promise<string> {
    const root = mediaPaths.work(this.mediaDir);
    for (const name of await listDir(root)) {
      if (name.startsWith(`${assetId}-`)) {
        await rm(join(root, name), { recursive: true, force: true });
      }
    }
    const dir = join(root, `${assetId}-${randomUUID().slice(0, 8)}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async removeDir(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  /** Removes a file; a file that is not there is fine. */
  async remove(path: string): Promise<void> {
    try {
      await unlink(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  exists(path: string): Promise<boolean> {
    return exists(path);
  }

  /** The demuxer of a file's container, judged by its first bytes; null when none is allowed. */
  async containerOf(path: string): Promise<Demuxer | null> {
    const handle = await open(path, 'r');
    try {
      const readAt = async (offset: number): Promise<Buffer> => {
        const buffer = Buffer.alloc(SNIFF_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, offset);
        return buffer.subarray(0, bytesRead);
      };
      return await identifyContainer(await readAt(0), readAt);
    } finally {
      await handle.close();
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function fileOf(path: string): Promise<RenditionFile> {
  const [info, sha256] = await Promise.all([stat(path), sha256Of(path)]);
  return { bytes: info.size, sha256 };
}

async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads in chunks of this size when hashing: a 5-minute rendition (4.8 MB) in 5 reads instead of
 * 75, each a round trip through libuv's thread pool and the event loop.
 */
export const HASH_READ_BYTES = 1024 * 1024;

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: HASH_READ_BYTES })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
