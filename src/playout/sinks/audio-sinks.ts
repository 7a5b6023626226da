import { Injectable } from '@nestjs/common';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { FfmpegBinaries } from '../../media/ffmpeg-binaries';
import {
  commandArgs,
  decoderCommand,
  sinkCommand,
  SinkTarget,
  streamDecoderCommand,
} from './sink-args';
import { PlayoutProcess, ProcessExit } from './playout-process';

/** How long a sink may take to drain and close once its input ends. */
const FINISH_TIMEOUT_MS = 10000;

/** An open output: raw PCM goes into `input`; `finish` closes it cleanly, `kill` at once. */
export interface SinkOutput {
  readonly input: Writable;
  readonly exited: Promise<ProcessExit>;
  readonly running: boolean;
  finish(): Promise<ProcessExit>;
  kill(): void;
}

/** A decoder of one rendition: raw PCM on `output`. */
export interface DecoderProcess {
  readonly output: PlayoutProcess['stdout'];
  readonly exited: Promise<ProcessExit>;
  kill(): void;
}

/**
 * The audio output port. Every sink is an ffmpeg process fed raw PCM by the player; they differ
 * only in the output side (see `sinkCommand`). The `file` sink writes beside its final name and
 * renames when the play ends, so the archive never holds a half-written file under a final name.
 */
@Injectable()
export class AudioSinks {
  constructor(private readonly binaries: FfmpegBinaries) {}

  open(target: SinkTarget, timeoutMs: number): SinkOutput {
    let finalPath: string | null = null;
    let spawnTarget = target;
    if (target.kind === 'file') {
      mkdirSync(dirname(target.path), { recursive: true });
      finalPath = target.path;
      spawnTarget = { ...target, path: `${target.path}.part` };
    }
    const process = new PlayoutProcess(
      this.binaries.ffmpegPath,
      commandArgs(sinkCommand(spawnTarget)),
      timeoutMs,
    );
    const settle = (exit: ProcessExit): ProcessExit => {
      if (finalPath && spawnTarget.kind === 'file') keepArchive(spawnTarget.path, finalPath);
      return exit;
    };
    const exited = process.exited.then(settle);
    return {
      input: process.stdin,
      exited,
      get running() {
        return process.running;
      },
      finish: async () => {
        process.stdin.end();
        const timer = setTimeout(() => process.kill(), FINISH_TIMEOUT_MS);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      },
      kill: () => process.kill(),
    };
  }

  decode(renditionPath: string, timeoutMs: number): DecoderProcess {
    return this.decoder(commandArgs(decoderCommand(renditionPath)), timeoutMs);
  }

  /** A decoder of a relay's stream URL (checked against the sources' rules before). */
  decodeStream(url: string, timeoutMs: number): DecoderProcess {
    return this.decoder(commandArgs(streamDecoderCommand(url)), timeoutMs);
  }

  private decoder(args: string[], timeoutMs: number): DecoderProcess {
    const process = new PlayoutProcess(this.binaries.ffmpegPath, args, timeoutMs);
    process.stdin.end();
    return { output: process.stdout, exited: process.exited, kill: () => process.kill() };
  }
}

/** What aired is evidence: keep it under its final name, unless nothing was written. */
function keepArchive(partPath: string, finalPath: string): void {
  try {
    if (statSync(partPath).size > 0) renameSync(partPath, finalPath);
    else rmSync(partPath, { force: true });
  } catch {
    // no file: the sink never opened its output
  }
}
