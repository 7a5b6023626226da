/**
 * The raw audio the player moves from the decoder to the sink: signed 16-bit little-endian,
 * 48 kHz, stereo. Its byte count is its duration, so the player can pace and measure it exactly.
 */
export const PCM = {
  format: 's16le',
  sampleRate: 48000,
  channels: 2,
  bytesPerSample: 2,
} as const;

export const PCM_BYTES_PER_SECOND = PCM.sampleRate * PCM.channels * PCM.bytesPerSample;

/** One pacing step: 20 ms of audio (3,840 bytes). */
export const CHUNK_MS = 20;
export const CHUNK_BYTES = (PCM_BYTES_PER_SECOND * CHUNK_MS) / 1000;

export function pcmBytesToMs(bytes: number): number {
  return Math.round((bytes * 1000) / PCM_BYTES_PER_SECOND);
}
