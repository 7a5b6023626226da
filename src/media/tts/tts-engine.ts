/**
 * Text-to-speech, as a port: the media service asks for speech in one of the three regional
 * Vietnamese voices and gets a WAV file; which engine makes it is configuration
 * (`TTS_ENGINE`, see tts.providers.ts).
 */
export const TTS_VOICES = ['bac', 'trung', 'nam'] as const;
/** Northern (Hà Nội), Central (Huế), Southern (Sài Gòn) speech. */
export type TtsVoice = (typeof TTS_VOICES)[number];

export const DEFAULT_TTS_VOICE: TtsVoice = 'bac';

export abstract class TtsEngine {
  /** Short engine name stored with the asset (`espeak-ng`). */
  abstract readonly name: string;

  /** The engine's own identifier of a voice (`vi-vn-x-central`), stored with the asset. */
  abstract voiceId(voice: TtsVoice): string;

  /** Writes speech for `text` (already normalized for reading) to a WAV file at `outputPath`. */
  abstract synthesize(text: string, voice: TtsVoice, outputPath: string): Promise<void>;
}

/** Thrown when the engine cannot produce speech (missing binary, crash, timeout). */
export class TtsFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TtsFailure';
  }
}

function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .trim()
    .toLowerCase();
}

const ALIASES: Record<string, TtsVoice> = {
  bac: 'bac',
  'mien bac': 'bac',
  north: 'bac',
  northern: 'bac',
  vi: 'bac',
  trung: 'trung',
  'mien trung': 'trung',
  central: 'trung',
  'vi-vn-x-central': 'trung',
  nam: 'nam',
  'mien nam': 'nam',
  south: 'nam',
  southern: 'nam',
  'vi-vn-x-south': 'nam',
};

/**
 * The voice a client asked for: the web app's "Bắc", "Trung", "Nam" (with or without accents),
 * their English names, or an espeak-ng voice id. Null when it is none of these.
 */
export function resolveVoice(input: string | undefined): TtsVoice | null {
  if (input === undefined || input.trim() === '') return DEFAULT_TTS_VOICE;
  return ALIASES[plain(input)] ?? null;
}
