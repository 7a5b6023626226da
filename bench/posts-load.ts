import { Agent } from 'node:http';
import { answerRuns } from './bench-support';
import { postOver } from './http-post';
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
  const send = async (n: number): Promise<void> => {
    const post = posts[n];
    const answer = await postOver(
      agent,
      `${run.origin}${run.pathPrefix}${post.commune}${run.pathSuffix}`,
      { Authorization: `Bearer ${run.token}`, 'Idempotency-Key': post.idempotencyKey },
      post.body,
    );
    latencies[n] = answer.ms;
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status !== '201' && failures.length < 5) {
      failures.push(`${answer.status} ${answer.text.slice(0, 300)}`);
    }
  };
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

answerRuns(runPosts);
