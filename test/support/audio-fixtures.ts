import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../../src/common/clock';
import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { Db } from '../../src/database/db.service';
import { AudioAsset, AudioStatus } from '../../src/media/entities/audio-asset.entity';
import { FfmpegBinaries } from '../../src/media/ffmpeg-binaries';
import { mediaPaths } from '../../src/media/media-paths';
import { TestApp } from './test-app';

export interface AudioSpec {
  /** The commune code, or the province code for the province library. */
  ownerCode: string;
  /** null for the province library. */
  communeCode: string | null;
  provinceCode: string;
  durationMs: number;
}

/**
 * Runs `binary` to its end, or kills it after two minutes: `npm test` runs most suites in the
 * idle scheduling class (scripts/e2e-runs.js), where a half-hour tone may wait for a core.
 */
function run(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 120_000, killSignal: 'SIGKILL' }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${binary} failed: ${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

/**
 * Where the tones are kept once made, by their ffmpeg arguments: the suites ask for the same few
 * lengths again and again, in every lane of `npm test`, and a half-hour tone costs seconds of CPU.
 */
const TONE_CACHE = join(tmpdir(), 'loa-xa-test-tones');

/** A real MP3 tone of `durationMs` (the same for the same length), made once and kept. */
async function toneFile(ffmpegPath: string, durationMs: number): Promise<string> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${440 + (durationMs % 400)}:sample_rate=44100:duration=${durationMs / 1000}`,
    '-ac',
    '1',
    '-b:a',
    '64k',
    // LAME's fastest quality: the same format at ~60 % of the CPU; a test tone needs no more.
    '-compression_level',
    '9',
  ];
  const key = createHash('sha256')
    .update(JSON.stringify([ffmpegPath, args]))
    .digest('hex');
  const kept = join(TONE_CACHE, `${key.slice(0, 32)}.mp3`);
  if (existsSync(kept)) return kept;
  mkdirSync(TONE_CACHE, { recursive: true });
  // Made beside it and renamed into place: a lane that makes the same tone at once, or a run
  // stopped half-way, never leaves a half-written tone under the kept name.
  const temporary = `${kept}.${process.pid}.${randomUUID()}.tmp.mp3`;
  try {
    await run(ffmpegPath, [...args, temporary]);
    renameSync(temporary, kept);
  } finally {
    rmSync(temporary, { force: true });
  }
  return kept;
}

/** A real MP3 (a tone) written where the service keeps the asset's rendition. */
async function writeRendition(app: TestApp, assetId: string, durationMs: number): Promise<number> {
  const config = app.app.get<AppConfig>(APP_CONFIG);
  const target = mediaPaths.rendition(config.mediaDir, assetId);
  mkdirSync(dirname(target), { recursive: true });
  const tone = await toneFile(app.app.get(FfmpegBinaries).ffmpegPath, durationMs);
  const temporary = `${target}.${process.pid}.tmp.mp3`;
  try {
    copyFileSync(tone, temporary);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  return statSync(target).size;
}

/**
 * Inserts an audio asset in any status through the app's database, without the upload pipeline.
 * A `ready` asset gets a real rendition file; the others have none yet.
 */
export async function seedAudio(
  app: TestApp,
  spec: AudioSpec,
  status: AudioStatus,
): Promise<string> {
  const id = randomUUID();
  const bytes = status === 'ready' ? await writeRendition(app, id, spec.durationMs) : 0;
  const now = app.app.get(Clock).now();
  const asset: QueryDeepPartialEntity<AudioAsset> = {
    id,
    ownerCode: spec.ownerCode,
    communeCode: spec.communeCode,
    provinceCode: spec.provinceCode,
    sha256: createHash('sha256').update(id).digest('hex'),
    source: 'upload',
    originalName: `ban-tin-${id.slice(0, 8)}.mp3`,
    originalBytes: Math.max(bytes, 1),
    inputFormat: 'mp3',
    inputCodec: 'mp3',
    inputDurationMs: spec.durationMs,
    ttsText: null,
    ttsVoice: null,
    status,
    progress: status === 'ready' ? 100 : 0,
    error: status === 'failed' ? 'Không đọc được tệp âm thanh' : null,
    durationMs: status === 'ready' ? spec.durationMs : null,
    integratedLufs: status === 'ready' ? -16 : null,
    truePeakDbtp: status === 'ready' ? -1.5 : null,
    lra: status === 'ready' ? 4 : null,
    loudnormPath: status === 'ready' ? 'linear' : null,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    readyAt: status === 'ready' ? now : null,
  };
  await app.app.get(Db).write((manager) => manager.insert(AudioAsset, asset));
  return id;
}

/** A processed, ready audio asset of `durationMs` with its MP3 rendition on disk. */
export function seedReadyAudio(app: TestApp, spec: AudioSpec): Promise<string> {
  return seedAudio(app, spec, 'ready');
}
