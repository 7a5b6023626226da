import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What the storage engine adds to multer's file object. */
export interface HashedFile {
  path: string;
  size: number;
  sha256: string;
}

/** Hashes and counts the bytes that pass through. */
class Sha256Counter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * A multer storage engine that streams each upload straight to a temporary file while computing
 * its sha256, so a recording is never held in memory whole and its content address is known when
 * the upload ends. multer calls `_removeFile` for a file of a request that failed (size limit,
 * aborted upload); the route removes it otherwise.
 */
export class HashingDiskStorage implements StorageEngine {
  /**
   * `onLimit` hears at once that a file passed the size limit (multer itself reports it only
   * after reading the whole request body).
   */
  constructor(
    private readonly newPath: () => Promise<string>,
    private readonly onLimit: (request: Request) => void = () => undefined,
  ) {}

  _handleFile(
    request: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File> & HashedFile) => void,
  ): void {
    void this.store(request, file).then(
      (info) => callback(null, info),
      (error: unknown) => callback(error),
    );
  }

  _removeFile(
    _request: Request,
    file: Express.Multer.File,
    callback: (error: Error | null) => void,
  ): void {
    if (!file.path) {
      callback(null);
      return;
    }
    rm(file.path, { force: true }).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  private async store(request: Request, file: Express.Multer.File): Promise<HashedFile> {
    const path = await this.newPath();
    // Known to multer before the write ends, so an aborted request can remove it.
    file.path = path;
    const counter = new Sha256Counter();
    // Past the size limit busboy only discards the rest of the part: stop writing at once, remove
    // the partial file and say so, so the 413 does not wait for the whole body.
    const stop = new AbortController();
    let overLimit = false;
    file.stream.once('limit', () => {
      overLimit = true;
      stop.abort(new Error('File size limit reached'));
    });
    try {
      await pipeline(file.stream, counter, createWriteStream(path, { flags: 'wx' }), {
        signal: stop.signal,
      });
    } catch (error) {
      await rm(path, { force: true });
      if (overLimit) this.onLimit(request);
      throw error;
    }
    return { path, size: counter.size, sha256: counter.digest() };
  }
}
