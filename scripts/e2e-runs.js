'use strict';
/**
 * The end-to-end runs: on SQLite, and again on PostgreSQL (a throwaway database per test file).
 * Which suites each takes and which hold the wall clock to account (scripts/test-e2e-all.js,
 * `npm test`; scripts/test-e2e-postgres.js runs the PostgreSQL pass alone). The suite lists are
 * path patterns as Jest takes them (regular expressions).
 */
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { createInterface } = require('node:readline');
const { Client } = require('pg');

const JEST = require.resolve('jest/bin/jest');
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Suites whose subject is audio, timing, a browser or a device process, where the database only
 * stores what the SQLite pass already checked: the PostgreSQL pass leaves them out (about twelve
 * minutes of CI). Each database path they touch is covered on PostgreSQL by an API suite:
 * faults and crashes by media and playout-dispatch, loudness by media, the edge player's policy
 * by policy and edge, the web app's reads and writes by the API suites of each route
 * (web-*.e2e-spec.ts are the browser suites), relay items by relay-sources and relay-network.
 * The two relay suites that play Icecast streams (on the server, on an edge player) keep their
 * segments in text columns, which PostgreSQL returns as written, as SQLite does.
 * The edge players' suite (edge.e2e) tests the cluster process and its own SQLite state; the
 * service's side of it (enrolment, manifests, receipts) runs on PostgreSQL in fleet*.e2e and
 * receipts.e2e. security-http tests body limits, overload and the docs' access
 * against the built service: its one database read (a bulletin's owner) is in security-domain.
 * live tests the microphone's audio path: its writes are one as-run record through the ledger
 * (playout-log) and an audio asset (media). security-media feeds hostile files to ffmpeg: its
 * database path is a bulletin's upload (bulletins, media). start-up tests which modules each role
 * loads and how soon it answers, not what it stores. live-devices plays live speech on edge
 * player processes: its database path (an item on the log, the receipts, the record built from
 * them) runs on PostgreSQL in schedule, receipts and fleet*.e2e.
 */
const ONCE_ON_SQLITE = [
  '/test/web[^/]*\\.e2e-spec\\.ts$',
  '/test/playout-faults\\.e2e-spec\\.ts$',
  '/test/security-loudness\\.e2e-spec\\.ts$',
  '/test/media-crash\\.e2e-spec\\.ts$',
  '/test/edge-policy\\.e2e-spec\\.ts$',
  '/test/relay-icecast\\.e2e-spec\\.ts$',
  '/test/edge-relay\\.e2e-spec\\.ts$',
  '/test/edge\\.e2e-spec\\.ts$',
  '/test/security-http\\.e2e-spec\\.ts$',
  '/test/live\\.e2e-spec\\.ts$',
  '/test/security-media\\.e2e-spec\\.ts$',
  '/test/start-up\\.e2e-spec\\.ts$',
  '/test/live-devices\\.e2e-spec\\.ts$',
];

/**
 * Suites that hold the wall clock to account while something plays: an item must start within
 * its tolerance, a cluster must cache it before its start, a killed process must be found within
 * seconds, a job must still be running when it is killed. The security suites that bound how fast
 * a hostile request is refused (a 3.8 MB nested body, a declared 2 GiB upload, a million-column
 * CSV, a read during a flood of logins) are among them: in the background lane a refusal waited
 * over 3 s for a core (CI of 2026-12-07). They run at the machine's normal priority, one after
 * another; the others (API, reports, browser suites) run both databases' passes beside them in
 * the background, on the time they leave idle (scripts/test-e2e-all.js).
 */
const REAL_TIME = [
  '/test/edge[^/]*\\.e2e-spec\\.ts$',
  '/test/live[^/]*\\.e2e-spec\\.ts$',
  '/test/web-live\\.e2e-spec\\.ts$',
  '/test/playout(-dispatch|-faults|-icecast)?\\.e2e-spec\\.ts$',
  '/test/relay-icecast\\.e2e-spec\\.ts$',
  '/test/media-crash\\.e2e-spec\\.ts$',
  '/test/security-(loudness|http|media|login|domain)\\.e2e-spec\\.ts$',
  '/test/multi-instance\\.e2e-spec\\.ts$',
];

/**
 * Suites of the SQLite pass that run in the PostgreSQL pass's background lane once that pass
 * is done, instead of in the SQLite pass's: with the browser suites and the others that run
 * once, on SQLite, that pass took ~1.6 × as long as the PostgreSQL one (2026-12-05, side by side:
 * 1,075 s and 672 s, 41 minutes of CI in all), and these two, ~180 s of it, even the lanes out.
 * Since the SQLite pass grew (2026-12-06, two runs: 823 and 943 s against 718 and 857 s for the
 * other lane), the monitor's browser suite (~38 s) goes there too. In CI of 2026-12-07, both
 * passes in the idle class beside the real-time lane: the SQLite pass 1,355–1,399 s, the
 * PostgreSQL pass 1,018–1,037 s and then these three 236–247 s; the security suites that bound
 * how fast a refusal comes (~90 s) have since gone to the real-time lane, which evens them.
 */
const SQLITE_AFTER_POSTGRES = [
  '/test/web\\.e2e-spec\\.ts$',
  '/test/web-clicks\\.e2e-spec\\.ts$',
  '/test/web-monitor\\.e2e-spec\\.ts$',
];

/**
 * Real-time suites that change the machine's network (edge-netns adds a network namespace and a
 * veth pair, takes its link down and deletes them): Chromium aborts its page loads then with
 * ERR_NETWORK_CHANGED, so they run first, before the lane with the browser suites starts.
 */
const NETWORK_CHANGING = ['/test/edge-netns\\.e2e-spec\\.ts$'];

/** Whether the PostgreSQL server of the tests answers (it says why on stderr when not). */
async function postgresAnswers() {
  const client = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    console.error(`PostgreSQL at ${PG_ADMIN_URL} does not answer: ${error.message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * 'run' when the tests' PostgreSQL answers. Where none does: 'fail' in CI (CI=true), where that is
 * a failure; elsewhere 'skip', with a message that says how to point the run at a server.
 */
async function postgresOrSkip() {
  if (await postgresAnswers()) return 'run';
  if (process.env.CI === 'true') return 'fail';
  console.log(
    'Skipping the PostgreSQL end-to-end run (set TEST_PG_ADMIN_URL to point at a server).',
  );
  return 'skip';
}

/** Jest's arguments for the e2e project, one file after another. */
const E2E_IN_BAND = ['--selectProjects', 'e2e', '--runInBand'];

/**
 * Jest's arguments for one run of the e2e project, one file after another: on `database`
 * ('sqlite' or 'postgres', which leaves out ONCE_ON_SQLITE), of the real-time suites only
 * (`realTime` true), none of them (false) or all (undefined). With `realTime` false, `part`
 * 'after-postgres' keeps only SQLITE_AFTER_POSTGRES, 'main' leaves them out, none keeps both.
 * With `realTime` true, `part` 'network' keeps only NETWORK_CHANGING, 'after-network' leaves them
 * out, none keeps both.
 */
function jestArguments(database, realTime, part) {
  const ignored = ['/node_modules/'];
  const only = realTime === true ? [...(part === 'network' ? NETWORK_CHANGING : REAL_TIME)] : [];
  if (database === 'postgres') ignored.push(...ONCE_ON_SQLITE);
  if (realTime === false) ignored.push(...REAL_TIME);
  if (part === 'main') ignored.push(...SQLITE_AFTER_POSTGRES);
  if (part === 'after-postgres') only.push(...SQLITE_AFTER_POSTGRES);
  if (part === 'after-network') ignored.push(...NETWORK_CHANGING);
  return [
    ...E2E_IN_BAND,
    ...(only.length > 0 ? ['--testPathPatterns', ...only] : []),
    '--testPathIgnorePatterns',
    ...ignored,
  ];
}

/** The environment of a run on `database`. */
function databaseEnv(database) {
  return database === 'postgres' ? { ...process.env, TEST_DB: 'postgres' } : { ...process.env };
}

const running = new Set();

/**
 * The command that runs `command` with `args` in the background: under Linux's idle scheduling
 * class (`chrt --idle 0`, util-linux), which it and every process it starts keep. Such a process
 * runs only on a core that nothing else wants, and gives it up at once when another wakes, so the
 * suites that hold the wall clock to account keep the machine as if alone. Elsewhere, or without
 * chrt, at the lowest priority (`nice -n 19`).
 */
function inBackground(command, args) {
  if (process.platform === 'linux' && existsSync('/usr/bin/chrt')) {
    return ['/usr/bin/chrt', ['--idle', '0', command, ...args]];
  }
  return ['nice', ['-n', '19', command, ...args]];
}

/**
 * Runs Jest with `args` and `env`, each line of its output on ours after `[label] `; resolves
 * to its exit code (1 when a signal ended it) and its duration in seconds. With `background`,
 * it runs only on what the machine leaves idle (inBackground).
 */
function runJest(label, args, env, { background = false } = {}) {
  const started = Date.now();
  const [command, commandArgs] = background
    ? inBackground(process.execPath, [JEST, ...args])
    : [process.execPath, [JEST, ...args]];
  const child = spawn(command, commandArgs, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream }).on('line', (line) => out.write(`[${label}] ${line}\n`));
  }
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`[${label}] ${error.message}`);
    });
    child.on('close', (code) => {
      running.delete(child);
      resolve({ label, code: code ?? 1, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

/** Stops the runs still going when this process is stopped, then stops it. */
function stopRunsOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      for (const child of running) child.kill(signal);
      process.exit(1);
    });
  }
}

module.exports = {
  JEST,
  E2E_IN_BAND,
  ONCE_ON_SQLITE,
  NETWORK_CHANGING,
  REAL_TIME,
  SQLITE_AFTER_POSTGRES,
  postgresOrSkip,
  jestArguments,
  databaseEnv,
  inBackground,
  runJest,
  stopRunsOnSignals,
};
