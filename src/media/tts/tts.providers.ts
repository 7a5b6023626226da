import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { findOnPath } from '../ffmpeg-binaries';
import { ProcessRunner } from '../process-runner';
import { EspeakNgEngine } from './espeak-ng.engine';
import { TtsEngine } from './tts-engine';

/** espeak-ng gets this long per request at most. */
const TTS_TIMEOUT_MS = 120_000;

/**
 * The TTS engine chosen by `TTS_ENGINE`. One adapter exists: `espeak-ng` (offline, the Debian
 * package). An HTTP provider (the cloud Vietnamese voices commercial systems use: FPT.AI, Viettel
 * AI, Zalo AI, Google) plugs in here: add its name to `TTS_ENGINE`'s allowed values and its URL
 * and key variables in config/load-config.ts, write `HttpTtsEngine extends TtsEngine` (POST the
 * text and voice, stream the audio it returns to `outputPath`, with a timeout and an
 * AbortController), and return it from the switch below. Whatever format it returns, the
 * pipeline probes and normalizes it like any upload.
 */
export const ttsEngineProvider: Provider = {
  provide: TtsEngine,
  inject: [APP_CONFIG, ProcessRunner],
  useFactory: (config: AppConfig, runner: ProcessRunner): TtsEngine => {
    switch (config.audio.ttsEngine) {
      case 'espeak-ng':
        return new EspeakNgEngine(
          runner,
          config.audio.espeakPath ?? findOnPath('espeak-ng') ?? '/usr/bin/espeak-ng',
          TTS_TIMEOUT_MS,
        );
    }
  },
};
