import { execFile } from 'node:child_process';

/**
 * The Python that has Debian's python3-icalendar and python3-openpyxl (independent readers of
 * what the service exports). `python3` on PATH may be another install without them.
 */
export const PYTHON = process.env.PYTHON_FOR_TESTS ?? '/usr/bin/python3';

/** Runs a Python script with `input` on stdin (and `args` as its arguments); returns its stdout. */
export function runPython(
  script: string,
  input = '',
  args: readonly string[] = [],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      ['-c', script, ...args],
      { timeout: 30000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}
