#!/usr/bin/env node
/**
 * Runs the end-to-end suite again on PostgreSQL (a throwaway database per test file). Where no
 * PostgreSQL answers, it says so and skips, except in CI (CI=true), where that is a failure.
 */
const { spawnSync } = require('node:child_process');
const { Client } = require('pg');

const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable() {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    console.error(`PostgreSQL at ${adminUrl} does not answer: ${error.message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

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
 * A file named on the command line always runs.
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

(async () => {
  if (!(await reachable())) {
    if (process.env.CI === 'true') process.exit(1);
    console.log(
      'Skipping the PostgreSQL end-to-end run (set TEST_PG_ADMIN_URL to point at a server).',
    );
    process.exit(0);
  }
  const files = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const result = spawnSync(
    'npx',
    [
      'jest',
      '--selectProjects',
      'e2e',
      '--runInBand',
      ...(files.length > 0
        ? []
        : ['--testPathIgnorePatterns', '/node_modules/', ...ONCE_ON_SQLITE]),
      ...process.argv.slice(2),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, TEST_DB: 'postgres' },
    },
  );
  process.exit(result.status ?? 1);
})();
