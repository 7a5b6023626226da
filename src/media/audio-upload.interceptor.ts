import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { rm } from 'node:fs/promises';
import { finalize, Observable } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { closeAfterAnswer } from '../common/problem.filter';
import { HashingDiskStorage } from './hashing-disk-storage';
import { MediaStorage } from './media-storage';

/** The multipart field that carries the recording. */
export const AUDIO_FIELD = 'file';

/** What a multipart body may hold besides the recording: boundaries, part headers, small fields. */
export const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/**
 * A request that declares a body larger than any acceptable upload: refused before a byte of it
 * is read (the connection is closed after the answer). A chunked body declares nothing and is cut
 * off by the file size limit while it streams.
 */
export function declaredTooLarge(contentLength: string | undefined, maxBytes: number): boolean {
  if (contentLength === undefined) return false;
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than the upload limit of ${formatBytes(maxBytes)}`,
    { limitBytes: maxBytes },
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/** multer's and busboy's errors as problems that say what to change. */
export function uploadError(error: unknown, maxBytes: number): Error {
  if (error instanceof MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return tooLarge(maxBytes);
      case 'LIMIT_UNEXPECTED_FILE':
        return new DomainError(
          'VALIDATION_FAILED',
          `Unexpected file field "${error.field ?? ''}": send the recording in the multipart field "${AUDIO_FIELD}"`,
          { field: error.field ?? null },
        );
      case 'LIMIT_FILE_COUNT':
        return new DomainError('VALIDATION_FAILED', 'Send one recording per request');
      default:
        return new DomainError('VALIDATION_FAILED', `Malformed upload: ${error.message}`);
    }
  }
  if (error instanceof Error && /multipart|boundary|end of form|part header/i.test(error.message)) {
    return new DomainError('VALIDATION_FAILED', `Malformed multipart body: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Receives `multipart/form-data` with one recording in the field `file`: streamed to a temporary
 * file under MEDIA_DIR/incoming with its sha256, never held in memory, cut off past
 * AUDIO_MAX_UPLOAD_BYTES (413 at once; a declared Content-Length past it is refused before a byte
 * is read). Runs after the access guard, so nobody without write access gets to upload a byte.
 * Whatever the route does, the temporary file is gone when the request ends (the route moves it
 * to its content address when it keeps it).
 */
@Injectable()
export class AudioUploadInterceptor implements NestInterceptor {
  private readonly upload: ReturnType<ReturnType<typeof multer>['single']>;
  private readonly maxBytes: number;
  /** Requests being received, and how to fail each at once when its file passes the limit. */
  private readonly overLimit = new WeakMap<Request, () => void>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, storage: MediaStorage) {
    this.maxBytes = config.audio.maxUploadBytes;
    this.upload = multer({
      storage: new HashingDiskStorage(
        () => storage.newIncomingPath(),
        (request) => this.overLimit.get(request)?.(),
      ),
      limits: { fileSize: this.maxBytes, files: 1, fields: 10, parts: 12, fieldSize: 64 * 1024 },
      // Vietnamese file names arrive as UTF-8.
      defParamCharset: 'utf8',
    }).single(AUDIO_FIELD);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (!request.is('multipart/form-data')) {
      throw new DomainError(
        'UNSUPPORTED_MEDIA',
        `Send the recording as multipart/form-data in the field "${AUDIO_FIELD}"`,
      );
    }
    if (declaredTooLarge(request.headers['content-length'], this.maxBytes)) {
      // Not a byte of it is read: the answer goes out at once and the connection is closed.
      closeAfterAnswer(response);
      throw tooLarge(this.maxBytes);
    }
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      // The problem filter reads and drops what is left of a small body, or answers and closes
      // the connection past DRAIN_LIMIT_BYTES.
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        reject(uploadError(error, this.maxBytes));
      };
      // multer reads the whole body before it reports the size limit: answer before that.
      this.overLimit.set(request, () => fail(new MulterError('LIMIT_FILE_SIZE', AUDIO_FIELD)));
      this.upload(request, response, (error?: unknown) => {
        this.overLimit.delete(request);
        if (error) return fail(error);
        if (!settled) {
          settled = true;
          resolve();
        }
      });
    });
    const path = request.file?.path;
    return next.handle().pipe(
      finalize(() => {
        if (path) void rm(path, { force: true });
      }),
    );
  }
}
