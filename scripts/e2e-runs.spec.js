'use strict';
const { execFileSync } = require('node:child_process');
const { readFileSync, readdirSync } = require('node:fs');
const { basename, join } = require('node:path');
const {
  JEST,
  NETWORK_CHANGING,
  ONCE_ON_SQLITE,
  REAL_TIME,
  SQLITE_AFTER_POSTGRES,
  databaseEnv,
  inBackground,
  jestArguments,
} = require('./e2e-runs');

const SUITES = readdirSync(join(__dirname, '..', 'test'))
  .filter((name) => name.endsWith('.e2e-spec.ts'))
  .sort();

/** The suite files Jest would run with these arguments, by name. */
function listed(database, realTime, part) {
  const output = execFileSync(
    process.execPath,
    [JEST, ...jestArguments(database, realTime, part), '--listTests'],
    { encoding: 'utf8', env: databaseEnv(database) },
  );
  return output
    .split('\n')
    .filter((line) => line.endsWith('.e2e-spec.ts'))
    .map((path) => basename(path))
    .sort();
}

describe('the end-to-end runs of npm test', () => {
  it('name only suites that exist, each pattern at least one', () => {
    for (const pattern of [
      ...ONCE_ON_SQLITE,
      ...REAL_TIME,
      ...NETWORK_CHANGING,
      ...SQLITE_AFTER_POSTGRES,
    ]) {
      const regex = new RegExp(pattern);
      expect({ pattern, matches: SUITES.some((name) => regex.test(`/test/${name}`)) }).toEqual({
        pattern,
        matches: true,
      });
    }
  });

  it.each(['sqlite', 'postgres'])(
    'run every suite of the %s pass once: the others side by side, then the real-time ones',
    (database) => {
      const all = listed(database);
      const others = listed(database, false);
      const realTime = listed(database, true);
      expect([...others, ...realTime].sort()).toEqual(all);
      expect(others.filter((name) => realTime.includes(name))).toEqual([]);
      expect(realTime).toEqual(expect.arrayContaining(['edge-offline.e2e-spec.ts']));
      expect(others).toEqual(expect.arrayContaining(['reports.e2e-spec.ts']));
    },
  );

  it('run every suite that bounds how long a request or a start took in the real-time lane', () => {
    // An elapsed time held to a bound: `Date.now() - started` (or performance.now()) against
    // toBeLessThan, an answer's `ms <`, the longest of a list of read times.
    const bounded =
      /(?:Date|performance)\.now\(\) - started\w*\)\.toBeLessThan|\.ms < \d|Math\.max\(\.\.\.\w*Times\)\)\.toBeLessThan/;
    const timed = SUITES.filter((name) =>
      bounded.test(readFileSync(join(__dirname, '..', 'test', name), 'utf8')),
    );
    expect(timed).toEqual(expect.arrayContaining(['security-http.e2e-spec.ts']));
    const realTime = listed('sqlite', true);
    expect(timed.filter((name) => !realTime.includes(name))).toEqual([]);
  });

  it('split the SQLite pass of the first step in two lanes that together run it once', () => {
    const others = listed('sqlite', false);
    const main = listed('sqlite', false, 'main');
    const afterPostgres = listed('sqlite', false, 'after-postgres');
    expect([...main, ...afterPostgres].sort()).toEqual(others);
    expect(main.filter((name) => afterPostgres.includes(name))).toEqual([]);
    expect(afterPostgres).toEqual([
      'web-clicks.e2e-spec.ts',
      'web-monitor.e2e-spec.ts',
      'web.e2e-spec.ts',
    ]);
  });

  it('run the suites that change the network first, then the other real-time ones, once each', () => {
    const realTime = listed('sqlite', true);
    const network = listed('sqlite', true, 'network');
    const afterNetwork = listed('sqlite', true, 'after-network');
    expect(network).toEqual(['edge-netns.e2e-spec.ts']);
    expect([...network, ...afterNetwork].sort()).toEqual(realTime);
    expect(afterNetwork).not.toContain('edge-netns.e2e-spec.ts');
  });

  it('leave the suites that run once out of the PostgreSQL pass, and only those', () => {
    const onSqlite = listed('sqlite');
    const onPostgres = listed('postgres');
    expect(onSqlite).toEqual(SUITES);
    expect(onSqlite.filter((name) => !onPostgres.includes(name))).toEqual(
      SUITES.filter((name) =>
        ONCE_ON_SQLITE.some((pattern) => new RegExp(pattern).test(`/test/${name}`)),
      ),
    );
    expect(onPostgres).toEqual(expect.arrayContaining(['edge-offline.e2e-spec.ts']));
    expect(onPostgres).not.toContain('web-clicks.e2e-spec.ts');
  });

  (process.platform === 'linux' ? it : it.skip)(
    'run the background lanes in the idle scheduling class, and what they start too',
    () => {
      // /proc/<pid>/stat's 41st field is the scheduling policy: 5 is SCHED_IDLE, 0 the normal.
      const policyOf = (stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
      const child = `process.stdout.write(require('fs').readFileSync('/proc/self/stat', 'utf8'))`;
      const parent =
        `const { execFileSync } = require('child_process');` +
        `process.stdout.write(execFileSync(process.execPath, ['-e', ${JSON.stringify(child)}]))`;
      const [command, args] = inBackground(process.execPath, ['-e', parent]);
      expect(policyOf(execFileSync(command, args, { encoding: 'utf8' }))).toBe(5);
      expect(policyOf(execFileSync(process.execPath, ['-e', child], { encoding: 'utf8' }))).toBe(0);
    },
  );
});
