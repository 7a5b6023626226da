import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface BinaryChoice {
  path: string;
  origin: 'env' | 'system' | 'npm';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(
  name: string,
  pathVariable = process.env.PATH ?? '',
): string | undefined {
  return pathVariable
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

/** An explicit path wins, then the system binary, then the one shipped in an npm package. */
export function chooseBinary(
  explicit: string | undefined,
  onPath: string | undefined,
  bundled: () => string | undefined,
): BinaryChoice | undefined {
  if (explicit) return { path: explicit, origin: 'env' };
  if (onPath) return { path: onPath, origin: 'system' };
  const fromNpm = bundled();
  return fromNpm ? { path: fromNpm, origin: 'npm' } : undefined;
}

function bundledPath(packageName: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(packageName) as { path: string }).path;
  } catch {
    return undefined;
  }
}

export function firstVersionLine(output: string): string {
  const line = output.split('\n')[0] ?? '';
  const match = /version\s+(\S+)/.exec(line);
  return match ? match[1] : line.trim();
}

/** Which ffmpeg and ffprobe the service runs, and their versions (logged at start). */
@Injectable()
export class FfmpegBinaries implements OnModuleInit {
  private readonly logger = new Logger(FfmpegBinaries.name);
  readonly ffmpeg?: BinaryChoice;
  readonly ffprobe?: BinaryChoice;
  private versionText?: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'ffmpeg'>) {
    this.ffmpeg = chooseBinary(config.ffmpeg.ffmpegPath, findOnPath('ffmpeg'), () =>
      bundledPath('@ffmpeg-installer/ffmpeg'),
    );
    this.ffprobe = chooseBinary(config.ffmpeg.ffprobePath, findOnPath('ffprobe'), () =>
      bundledPath('@ffprobe-installer/ffprobe'),
    );
  }

  /**
   * Logs which ffmpeg runs, without holding up the start: running `ffmpeg -version` took ~0.2 s
   * of every start (bench/startup.bench.ts); the health check asks `version()` when it needs it.
   */
  onModuleInit(): void {
    void this.version().then((version) => this.logVersion(version));
  }

  private logVersion(version: string | undefined): void {
    if (version) {
      this.logger.log(
        `ffmpeg ${version} (${this.ffmpeg?.origin}: ${this.ffmpeg?.path}); ffprobe ${this.ffprobe?.path}`,
      );
    } else {
      this.logger.warn('No working ffmpeg found: set FFMPEG_PATH or install ffmpeg');
    }
  }

  /** The ffmpeg version string, or undefined when ffmpeg cannot run. */
  async version(): Promise<string | undefined> {
    if (this.versionText) return this.versionText;
    if (!this.ffmpeg) return undefined;
    const output = await new Promise<string | undefined>((resolve) => {
      execFile(
        this.ffmpeg!.path,
        ['-hide_banner', '-version'],
        { timeout: 10000, killSignal: 'SIGKILL' },
        (error, stdout) => resolve(error ? undefined : stdout),
      );
    });
    this.versionText = output ? firstVersionLine(output) : undefined;
    return this.versionText;
  }

  get ffmpegPath(): string {
    if (!this.ffmpeg) throw new Error('ffmpeg is not available');
    return this.ffmpeg.path;
  }

  get ffprobePath(): string {
    if (!this.ffprobe) throw new Error('ffprobe is not available');
    return this.ffprobe.path;
  }
}
