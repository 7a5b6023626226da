/** A piece of the text the voice will not read as written, and how it will read it. */
export class Reading {
  written!: string;
  spoken!: string;
}

/** `POST /tts/preview`: what the synthesizer will be given for a text, and how it reads. */
export class ReadingPreview {
  /** The text after cleaning (joined lines, items as sentences): what the operator may keep. */
  cleaned!: string;
  /** Exactly what goes to the synthesizer. */
  spoken!: string;
  /** Each distinct number, date, time, percentage or abbreviation, in order of first appearance. */
  readings!: Reading[];
}
