import { Injectable } from '@nestjs/common';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The web app's folder: `web/` at the repository root, from both `dist/web` and `src/web`. */
export const WEB_ROOT = resolve(__dirname, '..', '..', 'web');

/** A file name segment the web app uses: no dot files, no separators, no `..`. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export interface AssetLocation {
  root: string;
  relativePath: string;
}

/**
 * Where the web app's files are: hand-written ones in `web/public`, the compiled TypeScript in
 * `web/dist` (built by `npm run build:web`). Only the file system side of serving them.
 */
@Injectable()
export class WebAssets {
  readonly roots: readonly string[] = [join(WEB_ROOT, 'public'), join(WEB_ROOT, 'dist')];

  /** The first root holding `segments` as a regular file, or null for anything else. */
  locate(segments: readonly string[]): AssetLocation | null {
    if (segments.length === 0 || !segments.every((segment) => SEGMENT.test(segment))) return null;
    const relativePath = segments.join('/');
    for (const root of this.roots) {
      if (isFile(join(root, relativePath))) return { root, relativePath };
    }
    return null;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
