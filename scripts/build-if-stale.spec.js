'use strict';
const {
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
  existsSync,
  readFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const { staleReason, writeStamp, STAMP } = require('./build-if-stale');

const SCRIPT = join(__dirname, 'build-if-stale.js');
const HOUR = 3600 * 1000;

/** A project with its inputs dated an hour ago and a build of theirs (no stamp yet). */
function makeProject() {
  const root = mkdtempSync(join(tmpdir(), 'loa-xa-build-stamp-'));
  const files = {
    'src/main.ts': 'export {};',
    'src/schedule/planner.ts': 'export {};',
    'web/src/app.ts': 'export {};',
    'tsconfig.json': '{}',
    'tsconfig.build.json': '{}',
    'web/tsconfig.json': '{}',
    'package-lock.json': '{}',
    'nest-cli.json': '{}',
    'dist/main.js': '',
    'web/dist/js/app.js': '',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const past = new Date(Date.now() - HOUR);
  for (const path of [...Object.keys(files), 'src', 'src/schedule', 'web/src']) {
    utimesSync(join(root, path), past, past);
  }
  return root;
}

/** Dates a path a minute from now: a change after the stamp. */
function touchLater(root, path) {
  const later = new Date(Date.now() + 60 * 1000);
  utimesSync(join(root, path), later, later);
}

describe('build-if-stale (npm start builds only when the build is not current)', () => {
  let root;
  beforeEach(() => {
    root = makeProject();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when there is no stamp (a fresh clone) or no build at all', () => {
    expect(staleReason(root)).toBe(`${STAMP} is missing`);
    rmSync(join(root, 'dist'), { recursive: true });
    expect(staleReason(root)).toBe('dist/main.js is missing');
  });

  it('starts at once when nothing changed since the build began', () => {
    writeStamp(root, Date.now() - 1000);
    expect(staleReason(root)).toBeNull();
  });

  it.each([
    'src/schedule/planner.ts',
    'web/src/app.ts',
    'tsconfig.json',
    'tsconfig.build.json',
    'web/tsconfig.json',
    'package-lock.json',
    'nest-cli.json',
  ])('builds when %s changed after the stamp', (path) => {
    writeStamp(root, Date.now() - 1000);
    touchLater(root, path);
    expect(staleReason(root)).toMatch(/changed since the last build$/);
  });

  it('builds when a source was added or removed (its folder changed)', () => {
    writeStamp(root, Date.now() - 1000);
    rmSync(join(root, 'src/schedule/planner.ts'));
    touchLater(root, 'src/schedule');
    expect(staleReason(root)).toBe('src changed since the last build');
  });

  it('builds when the web build is missing, whatever the stamp says', () => {
    writeStamp(root, Date.now() - 1000);
    rmSync(join(root, 'web/dist'), { recursive: true });
    expect(staleReason(root)).toBe('web/dist is missing');
  });

  it('a change made while the build ran stays newer than its stamp', () => {
    const began = Date.now() - 30 * 1000;
    const during = new Date(began + 10 * 1000);
    utimesSync(join(root, 'src/main.ts'), during, during);
    writeStamp(root, began);
    expect(staleReason(root)).toBe('src changed since the last build');
  });

  it('runs the build only when stale, and stamps it only when it succeeded', () => {
    const marker = join(root, 'built.txt');
    const build = (command) => {
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({ name: 'stamp-test', scripts: { 'build:app': command } }),
      );
      const past = new Date(Date.now() - HOUR);
      utimesSync(join(root, 'package.json'), past, past);
      return spawnSync(process.execPath, [SCRIPT], { cwd: root, encoding: 'utf8' });
    };
    const append = `node -e "require('fs').appendFileSync('built.txt', 'x')"`;

    const failed = build('node -e "process.exit(3)"');
    expect(failed.status).toBe(3);
    expect(existsSync(join(root, STAMP))).toBe(false);

    expect(build(append).status).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect(build(append).status).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('x');

    touchLater(root, 'web/src/app.ts');
    expect(build(append).status).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('xx');
  });
});
