import { together } from './together';

/** A task that runs until its signal aborts, then fails as a killed process does. */
function untilAborted(stopped: string[], name: string) {
  return (signal: AbortSignal) =>
    new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        // The process takes a moment to exit after the kill.
        setTimeout(() => {
          stopped.push(name);
          reject(new Error(`${name} was killed`));
        }, 5);
      });
    });
}

describe('together', () => {
  it('resolves with every result, in order', async () => {
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('slow'), 5));
    await expect(together([slow, () => Promise.resolve(2)])).resolves.toEqual(['slow', 2]);
  });

  it('stops the others when one fails, waits for them to end, and rejects with the first failure', async () => {
    const stopped: string[] = [];
    const failing = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('silent recording');
    };
    await expect(together([untilAborted(stopped, 'meter'), failing])).rejects.toThrow(
      'silent recording',
    );
    expect(stopped).toEqual(['meter']);
  });

  it('treats a task that throws before its first await like any failure', async () => {
    const stopped: string[] = [];
    const throwing = (): Promise<number> => {
      throw new Error('bad arguments');
    };
    await expect(together([untilAborted(stopped, 'meter'), throwing])).rejects.toThrow(
      'bad arguments',
    );
    expect(stopped).toEqual(['meter']);
  });

  it('stops every task when the caller cancels', async () => {
    const stopped: string[] = [];
    const job = new AbortController();
    const running = together([untilAborted(stopped, 'a'), untilAborted(stopped, 'b')], job.signal);
    job.abort();
    await expect(running).rejects.toThrow('a was killed');
    expect(stopped.sort()).toEqual(['a', 'b']);
  });

  it('starts already stopped when the caller was cancelled before', async () => {
    const job = new AbortController();
    job.abort();
    const seen: boolean[] = [];
    await together([(signal) => Promise.resolve(seen.push(signal.aborted))], job.signal);
    expect(seen).toEqual([true]);
  });
});
