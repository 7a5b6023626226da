import { Agent, request } from 'node:http';

/** One POST's outcome: its status (or `error`), time to the whole answer, and the answer itself. */
export interface PostAnswer {
  status: string;
  ms: number;
  /** The answer's body, or the error's text. */
  text: string;
}

/**
 * Sends one POST over `agent` and reads its whole answer: what the load processes of the
 * benchmarks (bench/posts-load.ts, bench/ingest-load.ts) send, with node:http, not fetch.
 */
export function postOver(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  text: string,
): Promise<PostAnswer> {
  return new Promise((done) => {
    const started = performance.now();
    const body = Buffer.from(text);
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          done({
            status: String(response.statusCode),
            ms: performance.now() - started,
            text: response.statusCode === 201 ? '' : Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', (error) =>
      done({ status: 'error', ms: performance.now() - started, text: String(error) }),
    );
    req.end(body);
  });
}
