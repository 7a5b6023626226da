import { Agent } from 'node:http';
import { answerRuns } from './bench-support';
import { postOver } from './http-post';
import { postOf, PostsResult, PostsRun } from './posts-traffic';

/** Each origin's keep-alive connections, kept from one run to the next (a warm-up's to its run). */
const agents = new Map<string, Agent>();

/**
 * The load process of the single-posts benchmark (bench/posts.bench.ts), forked so that its CPU
 * is not the measured process's: `connections` keep-alive clients of node:http, each sending
 * its next post as soon as the previous one is answered (a closed loop, as autocannon does).
 * The connections to an origin stay open after a run, so the run after a warm-up starts on
 * warm connections, as the clients of a service that is taking posts do.
 */
async function runPosts(run: PostsRun): Promise<PostsResult> {
  let agent = agents.get(run.origin);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: run.connections });
    agents.set(run.origin, agent);
  }
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
  return { ms, latencies, statuses, failures };
}

answerRuns(runPosts);
