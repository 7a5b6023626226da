import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deleteRedisKeys } from '../test/support/services';
import { BENCH_REDIS_URL, benchEnv, median } from './bench-support';
import { Benchmark } from './bench.types';

const ROOT = resolve(__dirname, '..', '..');
const HEALTH_PATH = '/api/v1/health';
const ROUNDS = 3;
const GOAL_MS = 5000;
const TIMEOUT_MS = 120_000;

interface Phases {
  bootMs: number;
  loadMs: number;
  createMs: number;
  listenMs: number;
  steps: Record<string, number>;
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function healthStatus(port: number): Promise<number> {
  return new Promise((done) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: HEALTH_PATH, agent: false, timeout: 2000 },
      (response) => {
        response.resume();
        done(response.statusCode ?? 0);
      },
    );
    request.on('error', () => done(0));
    request.on('timeout', () => request.destroy());
  });
}

/** Stops a process started in a group of its own (npm and the node it runs) and waits for it. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

/** Starts `command` (in a process group of its own) and returns the ms until health answers 200. */
async function timeToHealthy(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited early`);
      if ((await healthStatus(port)) === 200) return performance.now() - started;
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`${command} never healthy`);
      await new Promise((done) => setTimeout(done, 10));
    }
  } finally {
    await stopGroup(child);
  }
}

function timeToExit(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  return performance.now() - started;
}

function probePhases(env: NodeJS.ProcessEnv): Phases {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'dist-bench', 'bench', 'startup-phases.js'), ROOT],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`start-up probe failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Phases;
}

async function measure(dir: string, prefix: string): Promise<string> {
  const stale = spawnSync(process.execPath, ['-e', STALE_CHECK], { cwd: ROOT, encoding: 'utf8' });
  if (stale.stdout.trim() !== 'current') {
    throw new Error(`the build is not current (${stale.stdout.trim()}): run npm run build first`);
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...benchEnv(dir, prefix, { PORT: String(port) }),
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  // The first start makes the database (every migration); the timed ones find it current.
  const firstStart = await timeToHealthy(npm, ['start'], env, port);
  const bare: number[] = [];
  const nodeOnly: number[] = [];
  const staleCheck: number[] = [];
  const npmStart: number[] = [];
  const direct: number[] = [];
  const phases: Phases[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    nodeOnly.push(timeToExit(process.execPath, ['-e', ''], env));
    staleCheck.push(timeToExit(process.execPath, ['scripts/build-if-stale.js'], env));
    bare.push(
      await timeToHealthy(
        process.execPath,
        [join(ROOT, 'dist-bench', 'bench', 'startup-bare.js')],
        env,
        port,
      ),
    );
    npmStart.push(await timeToHealthy(npm, ['start'], env, port));
    direct.push(await timeToHealthy(process.execPath, ['dist/main.js'], env, port));
    phases.push(probePhases(env));
  }
  const start = median(npmStart);
  const verdict = start <= GOAL_MS ? 'met' : 'not met';
  const typical = phases.find((phase) => phase.createMs === median(phases.map((p) => p.createMs)))!;
  const steps = Object.entries(typical.steps)
    .filter(([, value]) => value >= 20)
    .sort((a, b) => b[1] - a[1]);
  return [
    '`npm start` with a current build (its stamp newer than every source), from the command to',
    `the first 200 of \`${HEALTH_PATH}\` (polled every 10 ms): all three roles in one process on`,
    'SQLite (a database made by an earlier start: the migrations are checked, not run), Redis, the',
    'embedded MQTT broker. Against Node itself (`node -e ""`) and a bare Nest application on',
    `Express with one route, each a fresh process, ${ROUNDS} rounds, medians. \`prestart\``,
    '(`scripts/build-if-stale.js`) builds only when a source, a TypeScript configuration,',
    'package-lock.json or nest-cli.json is newer than the stamp of the last build, or the build is',
    'missing.',
    '',
    `Machine load (1-minute average) when the run started: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; the figures grow with it.`,
    '',
    '| measure | median | rounds |',
    '|---|---|---|',
    `| **\`npm start\` → healthy** | **${ms(start)}** (goal ≤ ${ms(GOAL_MS)}: ${verdict}) | ${npmStart.map(ms).join(' / ')} |`,
    `| \`node dist/main.js\` → healthy (without npm and the staleness check) | ${ms(median(direct))} | ${direct.map(ms).join(' / ')} |`,
    `| the staleness check alone (\`node scripts/build-if-stale.js\`, current build) | ${ms(median(staleCheck))} | ${staleCheck.map(ms).join(' / ')} |`,
    `| baseline: a bare Nest application → healthy | ${ms(median(bare))} | ${bare.map(ms).join(' / ')} |`,
    `| baseline: \`node -e ""\` | ${ms(median(nodeOnly))} | ${nodeOnly.map(ms).join(' / ')} |`,
    `| \`npm start\` ÷ bare Nest application | ${(start / median(bare)).toFixed(1)}× | |`,
    `| first start on an empty database (every migration run) | ${ms(firstStart)} | |`,
    '',
    'Where the service’s own start goes (`bench/startup-phases.ts`: the built service started',
    'step by step in a fresh process; the round with the median creation time):',
    '',
    '| step | time |',
    '|---|---|',
    `| Node up to the first line of the probe | ${ms(typical.bootMs)} |`,
    `| loading the modules (\`require('dist/app.factory')\`) | ${ms(typical.loadMs)} |`,
    `| creating the application: every module’s init, below | ${ms(typical.createMs)} |`,
    ...steps.map(([step, value]) => `| &nbsp;&nbsp;${step} | ${ms(value)} |`),
    `| listening | ${ms(typical.listenMs)} |`,
    '',
    'The API docs are built on their first request since 2026-12-03 (they were 88 ms of the',
    'creation at load 8.8); the modules only the HTTP process imports (`import()` in',
    'app.module.ts) are loaded with the others here. Where the loading goes (a CPU profile of',
    '`npm start` to healthy, 2026-12-03 at load ~11, ~2.5 s of CPU to load the modules whatever',
    'the load): compiling them (V8 `wrapSafe`, and NestJS 12’s own packages, ES modules that',
    '`require` loads, compiled and lexed as such), resolving and reading ~2,200 files (`stat`,',
    '`realpath`, `package.json` reads), and garbage collection (~15 % of the start). A code cache',
    'would take most of the compiling: `v8-compile-cache` cannot compile ES modules, and Node 20',
    'has no module compile cache (Node 22’s `module.enableCompileCache()`); a bundle of the',
    'service in one file would take the resolving. Neither is done yet.',
  ].join('\n');
}

/** Prints `current` or why the build is stale, as `npm start`'s prestart decides. */
const STALE_CHECK = `process.stdout.write(require('./scripts/build-if-stale.js').staleReason('.') ?? 'current')`;

/** `npm run bench -- startup`: `npm start` to a healthy service with a current build. */
export const startupBenchmark: Benchmark = {
  id: 'startup',
  title: 'Start-up: `npm start` to a healthy service with a current build',
  async run(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-startup-'));
    const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
    try {
      return await measure(dir, prefix);
    } finally {
      await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
