import { Benchmark } from './bench.types';
import { fleetBenchmark } from './fleet.bench';
import { edgeBenchmark } from './edge.bench';
import { mediaBenchmark } from './media.bench';
import { memoryBenchmark } from './memory.bench';
import { nationalBenchmark } from './national.bench';
import { plannerBenchmark } from './planner.bench';
import { playoutBenchmark } from './playout.bench';
import { postsBenchmark } from './posts.bench';
import { reportsBenchmark } from './reports.bench';
import { soakBenchmark } from './soak.bench';
import { startupBenchmark } from './startup.bench';

/** Every benchmark, in the order BENCHMARKS.md shows them. Add yours here. */
export const BENCHMARKS: Benchmark[] = [
  plannerBenchmark,
  reportsBenchmark,
  postsBenchmark,
  mediaBenchmark,
  playoutBenchmark,
  nationalBenchmark,
  soakBenchmark,
  fleetBenchmark,
  edgeBenchmark,
  startupBenchmark,
  memoryBenchmark,
];
