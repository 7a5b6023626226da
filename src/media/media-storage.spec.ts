import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { HASH_READ_BYTES, MediaStorage } from './media-storage';

/** Every stream the storage opens, with the chunk size it asked for. */
const opened: { path: string; highWaterMark?: number }[] = [];

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    createReadStream: (path: string, options?: { highWaterMark?: number }) => {
      opened.push({ path, highWaterMark: options?.highWaterMark });
      return actual.createReadStream(path, options);
    },
  };
});

describe('MediaStorage renditions', () => {
  let dir: string;
  let storage: MediaStorage;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-storage-'));
    storage = new MediaStorage({ mediaDir: dir } as AppConfig);
    opened.length = 0;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits a rendition under its final name with its size and the sha256 of its bytes, read in large chunks', async () => {
    const bytes = Buffer.alloc(3 * HASH_READ_BYTES + 17, 7);
    const temp = await storage.renditionTempPath('a1');
    writeFileSync(temp, bytes);
    const file = await storage.commitRendition(temp, 'a1');
    expect(file).toEqual({
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(existsSync(temp)).toBe(false);
    expect(readFileSync(storage.renditionPath('a1')).equals(bytes)).toBe(true);
    // Hashed while it was flushed, before the rename: the temporary file was read, in 1 MiB chunks.
    expect(opened).toEqual([{ path: temp, highWaterMark: HASH_READ_BYTES }]);
    await expect(storage.renditionFile('a1')).resolves.toEqual(file);
  });
});
