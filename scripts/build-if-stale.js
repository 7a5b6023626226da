'use strict';
/**
 * `npm start`'s prestart: builds (`npm run build:app`) only when the build is missing or older
 * than what it is made from, so a start with a current build costs no compile (a build takes
 * 25–40 s). `npm run build` runs it with `--always`: the same build and stamp, unconditionally.
 *
 * The build is current when its stamp (dist/.build-stamp, written once a build has succeeded,
 * dated when that build began) is newer than every input: the files and folders of src/ and
 * web/src/ (a folder's date changes when a file in it is added, removed or renamed), the
 * TypeScript configurations, package-lock.json and nest-cli.json; and the build's entry points
 * exist. Anything else, including a missing or unreadable stamp, builds.
 */
const { spawnSync } = require('node:child_process');
const {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} = require('node:fs');
const { join } = require('node:path');

const STAMP = join('dist', '.build-stamp');
/** Folders whose every file and sub-folder is an input of the build. */
const SOURCE_DIRS = ['src', join('web', 'src')];
/** Single files that are inputs of the build. */
const SOURCE_FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  join('web', 'tsconfig.json'),
  'package-lock.json',
  'nest-cli.json',
];
/** What `npm start` runs: without them there is nothing to start, whatever the stamp says. */
const OUTPUTS = [join('dist', 'main.js'), join('web', 'dist')];

/** The latest modification time (ms) of the path and, for a folder, of everything under it. */
function latestChange(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  let latest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path)) {
      latest = Math.max(latest, latestChange(join(path, entry)));
    }
  }
  return latest;
}

/**
 * Why the build in `root` must be made again, or null when it is current.
 * @param {string} root the project folder
 * @returns {string | null}
 */
function staleReason(root) {
  const missing = OUTPUTS.find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;
  let stamp;
  try {
    stamp = statSync(join(root, STAMP)).mtimeMs;
  } catch {
    return `${STAMP} is missing`;
  }
  for (const input of [...SOURCE_DIRS, ...SOURCE_FILES]) {
    if (latestChange(join(root, input)) > stamp) return `${input} changed since the last build`;
  }
  return null;
}

/** Stamps a successful build with the time it began: a change made during it stays newer. */
function writeStamp(root, startedAt) {
  const path = join(root, STAMP);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(path, `${new Date(startedAt).toISOString()}\n`);
  const at = new Date(startedAt);
  utimesSync(path, at, at);
}

/**
 * Builds `root` when it is stale (or `always`); returns whether it built. Exits the process with
 * the build's status if the build fails, leaving no stamp.
 */
function buildIfStale(root, always = false) {
  const reason = always ? 'asked for' : staleReason(root);
  if (reason === null) return false;
  process.stdout.write(`Building: ${reason}.\n`);
  const startedAt = Date.now();
  rmSync(join(root, STAMP), { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build:app'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeStamp(root, startedAt);
  return true;
}

module.exports = { latestChange, staleReason, writeStamp, buildIfStale, STAMP };

if (require.main === module) buildIfStale(process.cwd(), process.argv.includes('--always'));
