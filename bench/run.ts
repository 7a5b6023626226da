import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startSettings } from './bench-support';
import { Benchmark } from './bench.types';
import { BENCHMARKS } from './index';

const FILE = join(process.cwd(), 'BENCHMARKS.md');

/** The `## ` sections of the current BENCHMARKS.md by title, so a partial run keeps the others. */
function readSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of text.split(/^(?=## )/m).slice(1)) {
    const title = part.slice(3, part.indexOf('\n')).trim();
    sections.set(title, `${part.trimEnd()}\n`);
  }
  return sections;
}

/**
 * `npm run bench [-- id …]`: runs the benchmarks (all, or those named) and writes BENCHMARKS.md;
 * the sections of benchmarks not run this time are kept as they were.
 * Every figure is a ratio against a raw baseline measured in the same run, on the same machine.
 */
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((id) => !BENCHMARKS.some((benchmark) => benchmark.id === id));
  if (unknown.length > 0) {
    const known = BENCHMARKS.map((benchmark) => benchmark.id).join(', ');
    throw new Error(`Unknown benchmark ${unknown.join(', ')}; known: ${known}`);
  }
  const selected: Benchmark[] =
    wanted.length === 0
      ? BENCHMARKS
      : BENCHMARKS.filter((benchmark) => wanted.includes(benchmark.id));
  const previous = existsSync(FILE)
    ? readSections(readFileSync(FILE, 'utf8'))
    : new Map<string, string>();
  const fresh = new Map<string, string>();
  for (const benchmark of selected) {
    process.stdout.write(`bench ${benchmark.id}: ${benchmark.title}\n`);
    const started = Date.now();
    const body = await benchmark.run();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    fresh.set(
      benchmark.title,
      `## ${benchmark.title}\n\n${body.trim()}\n\n_Measured ${new Date().toISOString()}; run time ${seconds} s._\n`,
    );
  }
  const sections = BENCHMARKS.map(
    (benchmark) => fresh.get(benchmark.title) ?? previous.get(benchmark.title),
  ).filter((section): section is string => section !== undefined);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, run with \`${process.execArgv.join(' ')}\` as \`npm start\` runs the service; sections measured before 2026-12-06 10:24 UTC ran with Node's defaults`;
  const text = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (${machine}); each section says when it was measured.`,
    'Each figure is compared with a raw baseline measured in the same run.',
    '',
    ...sections,
  ].join('\n');
  writeFileSync(FILE, text);
  process.stdout.write('wrote BENCHMARKS.md\n');
}

/**
 * The benchmarks measure the service as `npm start` runs it, so they run in a process with its
 * node options and environment (a smaller young generation: the memory goal): started without
 * them, this process runs itself again with them, and exits as that run did.
 */
const deployed = startSettings.NODE_FLAGS.every((flag) => process.execArgv.includes(flag));
if (deployed) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  startSettings.launch(__filename, process.argv.slice(2));
}
