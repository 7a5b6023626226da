/** One benchmark: a section of BENCHMARKS.md, measured against a raw baseline in the same run. */
export interface Benchmark {
  /** Short id used on the command line: `npm run bench -- <id>`. */
  id: string;
  title: string;
  /** Runs the measurement and returns the Markdown section (without its `##` heading). */
  run(): Promise<string>;
}
