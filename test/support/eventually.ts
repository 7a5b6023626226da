/** How long `eventually` polls, and what a timeout says it waited for. */
export interface WaitOptions {
  /** 15 s unless given. */
  timeoutMs?: number;
  what?: string;
}

const POLL_MS = 100;

/**
 * Polls `read` every 100 ms until its value is accepted, and returns that value; past the timeout,
 * fails naming what it waited for and the last value read. Without `accept`, a value is accepted
 * once it is not `undefined` (the reader says "not yet" with undefined).
 */
export function eventually<T>(
  read: () => Promise<T | undefined>,
  options?: WaitOptions,
): Promise<T>;
export function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  options?: WaitOptions,
): Promise<T>;
export async function eventually<T>(
  read: () => Promise<T | undefined>,
  acceptOrOptions?: ((value: T) => boolean) | WaitOptions,
  maybeOptions: WaitOptions = {},
): Promise<T> {
  const accept =
    typeof acceptOrOptions === 'function'
      ? (value: T | undefined) => acceptOrOptions(value as T)
      : (value: T | undefined) => value !== undefined;
  const options = typeof acceptOrOptions === 'function' ? maybeOptions : (acceptOrOptions ?? {});
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value as T;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'the condition'}; ` +
          `last value: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
