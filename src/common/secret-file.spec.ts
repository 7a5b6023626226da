import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateSecretFile } from './secret-file';

describe('readOrCreateSecretFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'secret-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file with mode 0600 (its folder too) and reads it back later', async () => {
    const path = join(dir, 'nested', 'jwt-secret');
    await expect(readOrCreateSecretFile(path, () => 'first')).resolves.toEqual({
      secret: 'first',
      created: true,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o077).toBe(0);
    await expect(readOrCreateSecretFile(path, () => 'second')).resolves.toEqual({
      secret: 'first',
      created: false,
    });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['jwt-secret']);
  });

  it('gives every one of several simultaneous starts the same secret', async () => {
    const path = join(dir, 'jwt-secret');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => readOrCreateSecretFile(path, () => `s${index}`)),
    );
    expect(new Set(results.map((result) => result.secret)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(readFileSync(path, 'utf8').trim()).toBe(results[0].secret);
    expect(readdirSync(dir)).toEqual(['jwt-secret']);
  });

  it('trims what an operator wrote by hand', async () => {
    const path = join(dir, 'jwt-secret');
    writeFileSync(path, '  hand-written \n');
    await expect(readOrCreateSecretFile(path, () => 'x')).resolves.toEqual({
      secret: 'hand-written',
      created: false,
    });
  });
});
