import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type request from 'supertest';

const run = promisify(execFile);

/** Sentences of the provincial letter, as sample speech. */
export const LETTER_SENTENCES = [
  'Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn.',
  'Sở Khoa học và Công nghệ đề nghị các xã, phường tăng cường thời lượng tin bài tuyên truyền về Ngày Chuyển đổi số quốc gia.',
  'Tuyên truyền, hưởng ứng và triển khai sâu rộng Ngày hội toàn dân học tập số vào ngày mười tháng mười.',
];

/** The whole provincial letter, one paragraph (for long speech). */
export function letterText(): string {
  const path = resolve(__dirname, '../../../shared/cong-van-so-khcn-thanh-hoa-2025.txt');
  try {
    return readFileSync(path, 'utf8').replace(/\s+/g, ' ').trim();
  } catch {
    return Array.from({ length: 20 }, () => LETTER_SENTENCES.join(' ')).join(' ');
  }
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Vietnamese speech from espeak-ng (22.05 kHz mono WAV). */
export async function speech(
  dir: string,
  name: string,
  text: string,
  voice = 'vi',
): Promise<string> {
  const path = join(dir, name);
  await run('espeak-ng', ['-v', voice, '-w', path, text]);
  return path;
}

export interface Measurement {
  integratedLufs: number;
  truePeakDbtp: number;
  lra: number;
  durationS: number;
}

/**
 * An independent measurement: ffmpeg's ebur128 filter with true peak, run here by the test and
 * parsed here, not by the service.
 */
export async function measure(path: string): Promise<Measurement> {
  const { stderr } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-i',
      path,
      '-af',
      'ebur128=peak=true:framelog=verbose',
      '-f',
      'null',
      '-',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const number = (pattern: RegExp): number => {
    const match = pattern.exec(summary);
    if (!match) throw new Error(`No ${pattern} in ${summary}`);
    return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
  };
  const durations = [...stderr.matchAll(/time=(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  const last = durations[durations.length - 1];
  return {
    integratedLufs: number(/I:\s+(-?[\d.]+|-inf) LUFS/),
    lra: number(/LRA:\s+(-?[\d.]+) LU/),
    truePeakDbtp: number(/True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/),
    durationS: last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : Number.NaN,
  };
}

export async function durationOf(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'default=nw=1:nk=1',
    path,
  ]);
  return Number(stdout.trim());
}

/** Scales a file so its integrated loudness lands on `lufs` (measured, then corrected once). */
async function leveled(
  input: string,
  output: string,
  lufs: number,
  encode: string[],
  extraFilter = '',
): Promise<string> {
  const first = await measure(input);
  const gain = lufs - first.integratedLufs;
  await ffmpeg([
    '-i',
    input,
    '-af',
    `${extraFilter}volume=${gain.toFixed(2)}dB`,
    ...encode,
    output,
  ]);
  return output;
}

/** A quiet recording: speech as 44.1 kHz stereo 16-bit WAV at about −33 LUFS. */
export async function quietWav(dir: string): Promise<string> {
  const voice = await speech(dir, 'quiet-src.wav', LETTER_SENTENCES.slice(0, 2).join(' '));
  const stereo = join(dir, 'quiet-stereo.wav');
  await ffmpeg([
    '-i',
    voice,
    '-af',
    'aresample=44100,pan=stereo|c0=c0|c1=c0',
    '-c:a',
    'pcm_s16le',
    stereo,
  ]);
  return leveled(stereo, join(dir, 'quiet.wav'), -33, ['-c:a', 'pcm_s16le']);
}

/**
 * A hot recording: a tone chord with pink noise, pushed to about −6 LUFS through a limiter (the
 * way an overdriven mixer records), as stereo AAC in M4A.
 */
export async function hotM4a(dir: string): Promise<string> {
  const raw = join(dir, 'hot-src.wav');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:duration=8:sample_rate=48000',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=660:duration=8:sample_rate=48000',
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=color=pink:amplitude=0.2:duration=8:sample_rate=48000',
    '-filter_complex',
    '[0][1][2]amix=inputs=3:normalize=0,pan=stereo|c0=c0|c1=c0',
    '-c:a',
    'pcm_f32le',
    raw,
  ]);
  const path = join(dir, 'hot.m4a');
  let gain = -6 - (await measure(raw)).integratedLufs;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await ffmpeg([
      '-i',
      raw,
      '-af',
      `volume=${gain.toFixed(2)}dB,alimiter=limit=0.97:level=0`,
      '-c:a',
      'aac',
      '-b:a',
      '192k',
      path,
    ]);
    const error = -6 - (await measure(path)).integratedLufs;
    if (Math.abs(error) < 0.2) break;
    gain += error * 1.5;
  }
  return path;
}

/** Speech with 3 s of silence before and after it, as a stereo MP3. */
export async function mp3WithSilence(dir: string): Promise<{ path: string; speechS: number }> {
  const voice = await speech(dir, 'padded-src.wav', LETTER_SENTENCES[2], 'vi-vn-x-south');
  const speechS = await durationOf(voice);
  const path = join(dir, 'padded.mp3');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=44100:cl=stereo:d=3',
    '-i',
    voice,
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=44100:cl=stereo:d=3',
    '-filter_complex',
    '[1]aresample=44100,pan=stereo|c0=c0|c1=c0,volume=-8dB[s];[0][s][2]concat=n=3:v=0:a=1',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    path,
  ]);
  return { path, speechS };
}

/** A complete MP3 cut in half: the header still declares the full length. */
export async function truncatedMp3(dir: string): Promise<string> {
  const voice = await speech(dir, 'trunc-src.wav', LETTER_SENTENCES[0]);
  const full = join(dir, 'full.mp3');
  await ffmpeg(['-i', voice, '-c:a', 'libmp3lame', '-b:a', '128k', full]);
  const bytes = readFileSync(full);
  const path = join(dir, 'truncated.mp3');
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return path;
}

/** A WAV of `seconds` of quiet noise (for size limits). */
export async function noiseWav(dir: string, name: string, seconds: number): Promise<string> {
  const path = join(dir, name);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=white:amplitude=0.05:duration=${seconds}:sample_rate=44100`,
    '-ac',
    '2',
    '-c:a',
    'pcm_s16le',
    path,
  ]);
  return path;
}

/** Collects a binary response body (supertest hands a parser the raw response stream). */
export function binaryParser(
  res: request.Response,
  done: (error: Error | null, body: unknown) => void,
): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Every file under a folder, as relative paths (empty folders do not count). */
export function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}
