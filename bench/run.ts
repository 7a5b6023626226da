import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Benchmark } from './bench.types';
import { BENCHMARKS } from './index';

/**
 * `npm run bench [-- id …]`: runs the benchmarks (all, or those named) and writes BENCHMARKS.md.
 * Every figure is a ratio against a raw baseline measured in the same run, on the same machine.
 */
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected: Benchmark[] =
    wanted.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => wanted.includes(b.id));
  const sections: string[] = [];
  for (const benchmark of selected) {
    process.stdout.write(`bench ${benchmark.id}: ${benchmark.title}\n`);
    const started = Date.now();
    const body = await benchmark.run();
    sections.push(
      `## ${benchmark.title}\n\n${body.trim()}\n\n_Run time: ${((Date.now() - started) / 1000).toFixed(1)} s._\n`,
    );
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`;
  const text = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()} (${machine}).`,
    'Each figure is compared with a raw baseline measured in the same run.',
    '',
    ...sections,
  ].join('\n');
  writeFileSync(join(process.cwd(), 'BENCHMARKS.md'), text);
  process.stdout.write('wrote BENCHMARKS.md\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
