import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from './domain-error';

export const JSON_BODY_LIMIT_KEY = 'loa-xa:json-body-limit';

/**
 * The largest JSON body this route takes, in bytes, instead of HTTP_JSON_LIMIT_BYTES (a login
 * needs a few hundred bytes, a batch of as-run records a few megabytes).
 */
export const JsonBodyLimit = (bytes: number): MethodDecorator & ClassDecorator =>
  SetMetadata(JSON_BODY_LIMIT_KEY, bytes);

export interface JsonBodyLimits {
  limitBytes: number;
  maxDepth: number;
}

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Follows the nesting of JSON text byte by byte, as it arrives, and throws JSON_TOO_DEEP as soon
 * as objects and arrays nest deeper than `maxDepth`: a deeply nested body is refused in time
 * proportional to its size, before JSON.parse (and everything that walks the parsed value
 * recursively: validation, logging) ever sees it. Brackets inside strings do not count; bytes of
 * multi-byte UTF-8 characters never equal an ASCII bracket, quote or backslash. It checks nesting
 * only: JSON.parse still judges the syntax.
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxDepth: number) {}

  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (++this.depth > this.maxDepth) {
          throw new DomainError(
            'JSON_TOO_DEEP',
            `The JSON body nests deeper than ${this.maxDepth} levels`,
            { maxDepth: this.maxDepth },
          );
        }
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        this.depth--;
      }
    }
  }
}

function tooLarge(limitBytes: number): DomainError {
  return new DomainError(
    'PAYLOAD_TOO_LARGE',
    `The JSON body is larger than this route's limit of ${limitBytes} bytes`,
    { limitBytes },
  );
}

export function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

export function isJsonRequest(request: Request): boolean {
  return hasBody(request) && request.is('application/json') === 'application/json';
}

/**
 * Reads and parses a JSON body within the limits: a declared Content-Length over the limit is
 * refused before a byte is read (413), reading stops at the first byte past it (413), the nesting
 * is followed while the bytes arrive (400 JSON_TOO_DEEP), and only then does JSON.parse run
 * (400 MALFORMED_JSON). UTF-8 only, not compressed (415 otherwise). The caller decides access
 * before calling this, so nobody without it gets a byte read.
 */
export async function readJsonBody(request: Request, limits: JsonBodyLimits): Promise<unknown> {
  const { limitBytes, maxDepth } = limits;
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new DomainError('UNSUPPORTED_MEDIA', `Content-Encoding ${encoding} is not accepted`);
  }
  const charset = /;\s*charset\s*=\s*"?([\w-]+)"?/i.exec(request.headers['content-type'] ?? '');
  if (charset && charset[1].toLowerCase() !== 'utf-8') {
    throw new DomainError('UNSUPPORTED_MEDIA', `Send JSON as UTF-8, not ${charset[1]}`);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);

  const scanner = new JsonDepthScanner(maxDepth);
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const fail = (error: Error) => {
      cleanup();
      // Stop reading: the error answer (ProblemFilter) drains a little and closes the connection.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) return fail(tooLarge(limitBytes));
      try {
        scanner.feed(chunk);
      } catch (error) {
        return fail(error as Error);
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => fail(error);
    const onAborted = () => fail(new DomainError('BAD_REQUEST', 'The request body was cut off'));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('aborted', onAborted);
  });

  const text = Buffer.concat(chunks, size).toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return undefined;
  if (first !== '{' && first !== '[') {
    throw new DomainError('MALFORMED_JSON', 'The JSON body must be an object or an array');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DomainError(
      'MALFORMED_JSON',
      `Malformed JSON in request body: ${(error as Error).message}`,
    );
  }
}
