/**
 * Which container an upload is, judged by its first bytes, and the one ffmpeg demuxer that may
 * open it. ffmpeg's own format detection must never choose: it happily opens an HLS playlist, an
 * ffconcat script or an SDP description (a few lines of text naming other files or hosts)
 * whatever the file is called, and reads what they name. So the service identifies the container
 * here, and every ffprobe and ffmpeg pass forces the demuxer (`-f`) and allows no other
 * (`-format_whitelist`), with the `file` protocol only.
 *
 * Only real recording containers are allowed: no playlist (hls, m3u), concat, image-sequence,
 * sdp/rtp or network demuxer can be named.
 */
export const ALLOWED_DEMUXERS = [
  'wav',
  'aiff',
  'mp3',
  'flac',
  'ogg',
  'mov',
  'matroska',
  'aac',
  'amr',
  'asf',
] as const;

export type Demuxer = (typeof ALLOWED_DEMUXERS)[number];

export function isAllowedDemuxer(name: string): name is Demuxer {
  return (ALLOWED_DEMUXERS as readonly string[]).includes(name);
}

/** Bytes read from the start of a file (and after an ID3 tag) to identify its container. */
export const SNIFF_BYTES = 64;

const ASF_GUID = Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex');
const EBML = Buffer.from('1a45dfa3', 'hex');
/** Top-level atoms a QuickTime / ISO BMFF file starts with. */
const MOV_ATOMS = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide']);

function ascii(bytes: Buffer, start: number, length: number): string {
  return bytes.subarray(start, start + length).toString('latin1');
}

/**
 * The length of an ID3v2 tag at the start of `bytes` (header, body and footer), or 0 when there
 * is none. MP3, AAC and FLAC files may start with one; what follows it decides the container.
 */
export function id3TagLength(bytes: Buffer): number {
  if (bytes.length < 10 || ascii(bytes, 0, 3) !== 'ID3') return 0;
  const size = [6, 7, 8, 9].map((i) => bytes[i]);
  if (size.some((byte) => byte > 0x7f)) return 0;
  const body = (size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3];
  const footer = (bytes[5] & 0x10) !== 0 ? 10 : 0;
  return 10 + body + footer;
}

/** An MPEG audio frame header (layer I–III) at `offset`, with a valid bitrate and sample rate. */
function isMpegAudioFrame(bytes: Buffer, offset: number): boolean {
  if (bytes.length < offset + 4) return false;
  const [b0, b1, b2] = [bytes[offset], bytes[offset + 1], bytes[offset + 2]];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrate = (b2 >> 4) & 0x0f;
  const sampleRate = (b2 >> 2) & 0x03;
  return version !== 1 && layer !== 0 && bitrate !== 0x0f && sampleRate !== 0x03;
}

/** An AAC ADTS header at `offset` (sync word, layer 0, a valid sampling index). */
function isAdtsFrame(bytes: Buffer, offset: number): boolean {
  if (bytes.length < offset + 7) return false;
  const [b0, b1, b2] = [bytes[offset], bytes[offset + 1], bytes[offset + 2]];
  return b0 === 0xff && (b1 & 0xf6) === 0xf0 && ((b2 >> 2) & 0x0f) < 13;
}

/**
 * The demuxer for a container that starts with `bytes` (the first bytes of the file, or those
 * right after an ID3 tag), or null when it is none of the allowed ones. Text (playlists,
 * scripts, descriptions) never matches.
 */
export function sniffContainer(bytes: Buffer): Demuxer | null {
  if (bytes.length < 4) return null;
  const magic = ascii(bytes, 0, 4);
  if ((magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') && ascii(bytes, 8, 4) === 'WAVE') {
    return 'wav';
  }
  if (magic === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(bytes, 8, 4))) return 'aiff';
  if (magic === 'fLaC') return 'flac';
  if (magic === 'OggS') return 'ogg';
  if (bytes.subarray(0, 4).equals(EBML)) return 'matroska';
  if (bytes.length >= 16 && bytes.subarray(0, 16).equals(ASF_GUID)) return 'asf';
  if (ascii(bytes, 0, 6) === '#!AMR\n' || ascii(bytes, 0, 9) === '#!AMR-WB\n') return 'amr';
  if (bytes.length >= 8 && MOV_ATOMS.has(ascii(bytes, 4, 4))) return 'mov';
  if (isAdtsFrame(bytes, 0)) return 'aac';
  if (isMpegAudioFrame(bytes, 0)) return 'mp3';
  return null;
}

/**
 * The demuxer of a file whose first bytes are `head`; `readAt` reads SNIFF_BYTES at an offset
 * (used to look past an ID3 tag, which may be longer than the head).
 */
export async function identifyContainer(
  head: Buffer,
  readAt: (offset: number) => Promise<Buffer>,
): Promise<Demuxer | null> {
  const tag = id3TagLength(head);
  if (tag === 0) return sniffContainer(head);
  const after = tag + SNIFF_BYTES <= head.length ? head.subarray(tag) : await readAt(tag);
  const inner = sniffContainer(after);
  // After an ID3 tag only raw streams are expected (MP3, AAC, FLAC), nothing that nests files.
  return inner === 'mp3' || inner === 'aac' || inner === 'flac' ? inner : null;
}
