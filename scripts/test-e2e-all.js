#!/usr/bin/env node
'use strict';
/**
 * `npm test`'s end-to-end runs, on SQLite and on PostgreSQL (scripts/e2e-runs.js), in two steps.
 * First both databases' passes side by side, without the real-time suites: most of their time
 * is waiting (for a service to start, a browser page, a queue), so two at once take little more
 * than the longer one; the SQLite pass is the longer, and a few of its suites
 * (SQLITE_AFTER_POSTGRES) run in the PostgreSQL pass's lane once that pass is done. Then the
 * real-time suites, one database after the other, with the machine to themselves, as they always
 * ran: they hold the wall clock to account. Every run goes to its end; the exit code is the first
 * failure's, or 0.
 */
const {
  databaseEnv,
  jestArguments,
  postgresOrSkip,
  runJest,
  stopRunsOnSignals,
} = require('./e2e-runs');

(async () => {
  stopRunsOnSignals();
  const postgres = await postgresOrSkip();
  const onPostgres = postgres === 'run';
  const results = [];
  const otherLane = async () => {
    const runs = [];
    if (onPostgres) {
      runs.push(
        await runJest('postgres', jestArguments('postgres', false), databaseEnv('postgres')),
      );
    }
    runs.push(
      await runJest(
        'sqlite, second lane',
        jestArguments('sqlite', false, 'after-postgres'),
        databaseEnv('sqlite'),
      ),
    );
    return runs;
  };
  const [sqliteRun, otherRuns] = await Promise.all([
    runJest('sqlite', jestArguments('sqlite', false, 'main'), databaseEnv('sqlite')),
    otherLane(),
  ]);
  results.push(sqliteRun, ...otherRuns);
  results.push(
    await runJest('sqlite real-time', jestArguments('sqlite', true), databaseEnv('sqlite')),
  );
  if (onPostgres) {
    results.push(
      await runJest('postgres real-time', jestArguments('postgres', true), databaseEnv('postgres')),
    );
  }
  console.log('\nEnd-to-end runs:');
  for (const { label, code, seconds } of results) {
    console.log(`  ${label}: ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds} s`);
  }
  if (postgres === 'fail') console.log('  postgres: no server answered (required in CI)');
  const failed = results.find((result) => result.code !== 0);
  process.exit(failed ? failed.code : postgres === 'fail' ? 1 : 0);
})();
