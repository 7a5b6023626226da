import { Agent, request } from 'node:http';
import { postOf, PostsResult, PostsRun } from './posts-traffic';

/**
 * The load process of the single-posts benchmark (bench/posts.bench.ts), forked so that its CPU
 * is not the measured process's: `connections` keep-alive clients of node:http, each sending
 * its next post as soon as the previous one is answered (a closed loop, as autocannon does).
 */
async function runPosts(run: PostsRun): Promise<PostsResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: run.connections });
  const posts = Array.from({ length: run.count }, (_, n) => postOf(run, n));
  const latencies = new Array<number>(run.count);
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let next = 0;
  const send = (n: number): Promise<void> =>
    new Promise((done) => {
      const post = posts[n];
      const started = performance.now();
      const body = Buffer.from(post.body);
      const req = request(
        `${run.origin}${run.pathPrefix}${post.commune}${run.pathSuffix}`,
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: `Bearer ${run.token}`,
            'Content-Type': 'application/json',
            'Content-Length': body.length,
            'Idempotency-Key': post.idempotencyKey,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            latencies[n] = performance.now() - started;
            const status = String(response.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status !== '201' && failures.length < 5) {
              failures.push(`${status} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
            }
            done();
          });
        },
      );
      req.on('error', (error) => {
        latencies[n] = performance.now() - started;
        statuses.error = (statuses.error ?? 0) + 1;
        if (failures.length < 5) failures.push(String(error));
        done();
      });
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: run.connections }, async () => {
      while (next < run.count) await send(next++);
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  return { ms, latencies, statuses, failures };
}

process.on('message', (run: PostsRun) => {
  runPosts(run).then(
    (result) => process.send?.(result),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.once('disconnect', () => process.exit(0));
