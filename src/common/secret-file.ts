import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The secret kept in `path`, created (mode 0600, its folder 0700) from `create()` when the file
 * does not exist yet. Several processes starting at once end with the same secret: the file is
 * written aside and linked into place, and whoever loses the race reads the winner's.
 */
export async function readOrCreateSecretFile(
  path: string,
  create: () => string | Promise<string>,
): Promise<{ secret: string; created: boolean }> {
  const existing = await readSecretFile(path);
  if (existing !== undefined) return { secret: existing, created: false };
  const secret = await create();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    await link(temporary, path);
    return { secret, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readSecretFile(path);
    if (winner === undefined) throw error;
    return { secret: winner, created: false };
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
