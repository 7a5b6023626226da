#!/usr/bin/env node
'use strict';
/**
 * `npm test`'s end-to-end runs, on SQLite and on PostgreSQL (scripts/e2e-runs.js), all at once
 * in three lanes. The real-time suites (they hold the wall clock to account while something
 * plays) run in one lane, one database after the other, at the machine's normal priority: they
 * mostly wait for a start time, so they leave most of the machine idle. The other suites run in
 * two lanes in the background (inBackground: Linux's idle scheduling class), on that idle time
 * only, so that the real-time suites still have the machine as if alone: the SQLite pass, and
 * the PostgreSQL pass followed by a few suites of the SQLite pass (SQLITE_AFTER_POSTGRES) so that
 * both lanes end about together. The real-time suites that change the machine's network
 * (NETWORK_CHANGING) come first, and the SQLite pass, with its browser suites, starts after them.
 * Every run goes to its end; the exit code is the first failure's, or 0.
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
  const background = { background: true };
  const otherLane = async () => {
    const runs = [];
    if (onPostgres) {
      runs.push(
        await runJest(
          'postgres',
          jestArguments('postgres', false),
          databaseEnv('postgres'),
          background,
        ),
      );
    }
    runs.push(
      await runJest(
        'sqlite, second lane',
        jestArguments('sqlite', false, 'after-postgres'),
        databaseEnv('sqlite'),
        background,
      ),
    );
    return runs;
  };
  // The suites that change the machine's network go first, alone in the real-time lane, with
  // the PostgreSQL pass (no browser) beside them; the SQLite pass starts once they are done.
  const network = runJest(
    'sqlite real-time, network',
    jestArguments('sqlite', true, 'network'),
    databaseEnv('sqlite'),
  );
  const realTimeLane = async () => {
    const runs = [
      await network,
      await runJest(
        'sqlite real-time',
        jestArguments('sqlite', true, 'after-network'),
        databaseEnv('sqlite'),
      ),
    ];
    if (onPostgres) {
      runs.push(
        await runJest(
          'postgres real-time',
          jestArguments('postgres', true),
          databaseEnv('postgres'),
        ),
      );
    }
    return runs;
  };
  const sqliteLane = async () => {
    await network;
    return runJest(
      'sqlite',
      jestArguments('sqlite', false, 'main'),
      databaseEnv('sqlite'),
      background,
    );
  };
  const [sqliteRun, otherRuns, realTimeRuns] = await Promise.all([
    sqliteLane(),
    otherLane(),
    realTimeLane(),
  ]);
  const results = [sqliteRun, ...otherRuns, ...realTimeRuns];
  console.log('\nEnd-to-end runs:');
  for (const { label, code, seconds } of results) {
    console.log(`  ${label}: ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds} s`);
  }
  if (postgres === 'fail') console.log('  postgres: no server answered (required in CI)');
  const failed = results.find((result) => result.code !== 0);
  process.exit(failed ? failed.code : postgres === 'fail' ? 1 : 0);
})();
