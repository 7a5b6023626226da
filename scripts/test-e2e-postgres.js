#!/usr/bin/env node
'use strict';
/**
 * Runs the end-to-end suite again on PostgreSQL (a throwaway database per test file), without the
 * suites that run once, on SQLite (ONCE_ON_SQLITE in scripts/e2e-runs.js, with the reason). Where
 * no PostgreSQL answers, it says so and skips, except in CI (CI=true), where that is a failure.
 * A file named on the command line always runs; other arguments go to Jest.
 */
const { spawnSync } = require('node:child_process');
const { E2E_IN_BAND, JEST, databaseEnv, jestArguments, postgresOrSkip } = require('./e2e-runs');

(async () => {
  const answer = await postgresOrSkip();
  if (answer !== 'run') process.exit(answer === 'fail' ? 1 : 0);
  const named = process.argv.slice(2).some((arg) => !arg.startsWith('-'));
  const args = named ? E2E_IN_BAND : jestArguments('postgres');
  const result = spawnSync(process.execPath, [JEST, ...args, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: databaseEnv('postgres'),
  });
  process.exit(result.status ?? 1);
})();
