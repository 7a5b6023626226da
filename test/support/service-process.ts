import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Env } from '../../src/config/load-config';

const ROOT = resolve(__dirname, '../..');
export const BUILT_MAIN = resolve(ROOT, 'dist/main.js');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output matches, rejects after `timeoutMs` or when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code (or signal name) once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the built service (`dist/main.js`, made by `npm run build`, which `npm run test:e2e`
 * runs first) as a real separate process: for tests that kill it, restart it or run several.
 */
export function startServiceProcess(env: Env): ServiceProcess {
  return startBuiltProcess(BUILT_MAIN, env);
}

/** The edge player as `npm run edge` starts it (`dist/edge/main.js`). */
export const BUILT_EDGE = resolve(ROOT, 'dist/edge/main.js');

/**
 * Starts a built entry point of `dist/` as a real separate process; `wrapper` runs it through
 * another command that execs it in place (`['ip', 'netns', 'exec', name]`), so the process id
 * and the signals are still node's.
 */
export function startBuiltProcess(
  script: string,
  env: Env,
  wrapper: string[] = [],
): ServiceProcess {
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  const [command, ...args] = [...wrapper, process.execPath, script];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...env,
      LOG_LEVEL: env.LOG_LEVEL === 'silent' ? 'info' : (env.LOG_LEVEL ?? 'info'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );

  return {
    child,
    output: () => text,
    waitFor: (pattern, timeoutMs = 30000) =>
      new Promise<void>((resolveWait, rejectWait) => {
        const check = () => {
          if (pattern.test(text)) finish();
        };
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${pattern}\n${text.slice(-4000)}`)),
          timeoutMs,
        );
        const onExit = () =>
          finish(new Error(`process exited while waiting for ${pattern}\n${text.slice(-4000)}`));
        function finish(error?: Error) {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
          if (error) rejectWait(error);
          else resolveWait();
        }
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
