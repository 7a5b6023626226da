import { Benchmark } from './bench.types';

/** Every benchmark, in the order BENCHMARKS.md shows them. Add yours here. */
export const BENCHMARKS: Benchmark[] = [];
