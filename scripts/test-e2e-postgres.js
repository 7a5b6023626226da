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

(async () => {
  if (!(await reachable())) {
    if (process.env.CI === 'true') process.exit(1);
    console.log(
      'Skipping the PostgreSQL end-to-end run (set TEST_PG_ADMIN_URL to point at a server).',
    );
    process.exit(0);
  }
  const result = spawnSync(
    'npx',
    ['jest', '--selectProjects', 'e2e', '--runInBand', ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, TEST_DB: 'postgres' },
    },
  );
  process.exit(result.status ?? 1);
})();
