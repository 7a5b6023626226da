import { join } from 'node:path';

/**
 * Where media lives under MEDIA_DIR. Originals are content-addressed by sha256; renditions are
 * named by asset id. Temporary files are written beside their final place and renamed, so a
 * crash never leaves a half file under a final name.
 */
export const mediaPaths = {
  original: (mediaDir: string, sha256: string): string =>
    join(mediaDir, 'originals', sha256.slice(0, 2), sha256),
  rendition: (mediaDir: string, assetId: string): string =>
    join(mediaDir, 'renditions', `${assetId}.mp3`),
  incoming: (mediaDir: string): string => join(mediaDir, 'incoming'),
  /** Scratch space of the processing jobs (the analysed audio between passes). */
  work: (mediaDir: string): string => join(mediaDir, 'work'),
};
