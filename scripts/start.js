'use strict';
/**
 * `npm start`: the built service (dist/main.js) in a node process with the memory settings of a
 * deployment (BENCHMARKS.md, Memory). The Dockerfile sets the same, and the memory benchmark
 * starts its processes with these (bench/memory.bench.ts).
 *
 * A launcher rather than `VAR=value node …` in package.json: that syntax is the POSIX shell's,
 * and npm runs scripts with cmd.exe on Windows. The setting must be in the environment before
 * node starts, as the C library reads it once, at start. The launcher stays the service's parent:
 * it passes on the signals that stop the service and exits as the service did.
 */
const { spawn } = require('node:child_process');
const { join } = require('node:path');

/**
 * The young generation at 2 × 2 MB instead of up to 2 × 16 MB: 28 MB less resident memory in
 * each process, idle or not, for a few more (cheap) young collections.
 */
const NODE_FLAGS = ['--max-semi-space-size=2'];

/**
 * glibc's malloc gives each thread that allocates an arena of its own, up to 8 per core (16 on
 * two cores: libuv's pool, V8's compiler and collector threads, the broker's thread), and memory
 * freed in one arena serves no other. Two arenas hold the same allocations in less memory.
 * Ignored by other C libraries (musl, macOS, Windows).
 */
const SERVICE_ENV = { MALLOC_ARENA_MAX: '2' };

/** The service's environment: `env` with SERVICE_ENV's settings where `env` has none of its own. */
function serviceEnv(env) {
  return { ...SERVICE_ENV, ...env };
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `entry` (a script) with `args` in a node process with NODE_FLAGS and SERVICE_ENV, as its
 * parent. The benchmarks run themselves so (bench/run.ts), to measure the service as deployed.
 */
function launch(entry, args = []) {
  const child = spawn(process.execPath, [...NODE_FLAGS, entry, ...args], {
    env: serviceEnv(process.env),
    stdio: 'inherit',
  });
  // Passed on as npm does to its script: a signal sent to the launcher alone reaches the service.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of SIGNALS) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`npm start: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const name of SIGNALS) process.off(name, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

if (require.main === module) launch(join(__dirname, '..', 'dist', 'main.js'));

module.exports = { NODE_FLAGS, SERVICE_ENV, serviceEnv, launch };
