'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { serviceEnv } = require('./start');

const LAUNCHER = join(__dirname, 'start.js');

/** The launcher running `source` as the service (with `args`); its output, exit code and signal. */
function launch(source, env, whenStarted, args) {
  const dir = mkdtempSync(join(tmpdir(), 'loa-xa-start-'));
  const entry = join(dir, 'service.js');
  writeFileSync(entry, source);
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(LAUNCHER)}).launch(${JSON.stringify(entry)}, ${JSON.stringify(args)})`,
    ],
    { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (whenStarted && output.includes('started')) {
      whenStarted(child);
      whenStarted = null;
    }
  });
  return new Promise((done) =>
    child.on('exit', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      done({ output, code, signal });
    }),
  );
}

describe('npm start (scripts/start.js)', () => {
  it('starts the service with two malloc arenas and the young generation of the memory goal', async () => {
    const { output, code } = await launch(
      'console.log(JSON.stringify([process.env.MALLOC_ARENA_MAX, process.execArgv])); process.exit(3);',
      {},
    );
    expect(JSON.parse(output)).toEqual(['2', ['--max-semi-space-size=2']]);
    // It exits as the service did.
    expect(code).toBe(3);
  });

  it("passes a script's arguments on, after the node options", async () => {
    const { output } = await launch(
      'console.log(JSON.stringify([process.execArgv, process.argv.slice(2)]));',
      {},
      null,
      ['posts', 'reports'],
    );
    expect(JSON.parse(output)).toEqual([['--max-semi-space-size=2'], ['posts', 'reports']]);
  });

  it("keeps the operator's own MALLOC_ARENA_MAX", () => {
    expect(serviceEnv({ MALLOC_ARENA_MAX: '4', PORT: '3000' })).toEqual({
      MALLOC_ARENA_MAX: '4',
      PORT: '3000',
    });
    expect(serviceEnv({ PORT: '3000' })).toEqual({ MALLOC_ARENA_MAX: '2', PORT: '3000' });
  });

  it('passes a SIGTERM sent to it alone on to the service, which shuts down', async () => {
    const { output, code } = await launch(
      "process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });" +
        "console.log('started'); setInterval(() => undefined, 1000);",
      {},
      (child) => child.kill('SIGTERM'),
    );
    expect(output).toBe('started\nstopping\n');
    expect(code).toBe(0);
  });
});
