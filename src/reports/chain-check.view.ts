export class ChainCheckRun {
  checked!: number;
  /** Communes whose chain is broken. */
  broken!: string[];
}
