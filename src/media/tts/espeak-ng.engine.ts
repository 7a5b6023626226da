import { ProcessRunner } from '../process-runner';
import { TtsEngine, TtsFailure, TtsVoice } from './tts-engine';

const VOICE_IDS: Record<TtsVoice, string> = {
  bac: 'vi',
  trung: 'vi-vn-x-central',
  nam: 'vi-vn-x-south',
};

/**
 * Offline speech with espeak-ng (the Debian package's binary and its Vietnamese voices). The text
 * goes through standard input (UTF-8), never the command line, so its length and content cannot
 * be mistaken for options. The process has a timeout and is killed as a group like every tool.
 */
export class EspeakNgEngine extends TtsEngine {
  readonly name = 'espeak-ng';

  constructor(
    private readonly runner: ProcessRunner,
    private readonly binary: string,
    private readonly timeoutMs: number,
    /** Words per minute; a little slower than espeak's 175 carries better over loudspeakers. */
    private readonly wordsPerMinute = 160,
  ) {
    super();
  }

  voiceId(voice: TtsVoice): string {
    return VOICE_IDS[voice];
  }

  async synthesize(text: string, voice: TtsVoice, outputPath: string): Promise<void> {
    let outcome;
    try {
      outcome = await this.runner.run({
        command: this.binary,
        args: [
          '-v',
          this.voiceId(voice),
          '-s',
          String(this.wordsPerMinute),
          '-b',
          '1',
          '--stdin',
          '-w',
          outputPath,
        ],
        stdin: text,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      throw new TtsFailure(`espeak-ng could not start: ${(error as Error).message}`);
    }
    if (outcome.timedOut) {
      throw new TtsFailure(
        `espeak-ng ran longer than ${Math.round(this.timeoutMs / 1000)} s and was killed`,
      );
    }
    if (outcome.exitCode !== 0) {
      const detail = outcome.stderrTail
        .filter((line) => line.trim() !== '')
        .slice(-2)
        .join(' | ');
      throw new TtsFailure(
        `espeak-ng failed (exit ${outcome.exitCode ?? outcome.signal})${detail ? `: ${detail}` : ''}`,
      );
    }
  }
}
