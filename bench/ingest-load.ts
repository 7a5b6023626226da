import { Agent } from 'node:http';
import { answerRuns, LOAD_STARTED } from './bench-support';
import { postOver } from './http-post';

/** What the ingest of the reports benchmark sends: each body to its URL, one after another. */
export interface IngestRun {
  token: string;
  requests: { url: string; body: string }[];
}

export interface IngestResult {
  /** From the first request sent to the last answer. */
  ms: number;
  /** The first answer other than 201, if any: the requests stop there. */
  failure: string | null;
}

/**
 * The load process of the reports benchmark's ingest (bench/reports.bench.ts), forked so that
 * its CPU is not the measured process's: one keep-alive connection of node:http, each request
 * sent once the previous one is answered. As a bulk importer would, it asks for the minimal
 * answer (`Prefer: return=minimal`: the counts, not the ~180 kB of records written).
 */
async function runIngest(run: IngestRun): Promise<IngestResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let failure: string | null = null;
  process.send?.(LOAD_STARTED);
  const started = performance.now();
  for (const request of run.requests) {
    const answer = await postOver(
      agent,
      request.url,
      { Authorization: `Bearer ${run.token}`, Prefer: 'return=minimal' },
      request.body,
    );
    if (answer.status !== '201') {
      failure = `${answer.status} ${answer.text.slice(0, 300)}`;
      break;
    }
  }
  const ms = performance.now() - started;
  agent.destroy();
  return { ms, failure };
}

answerRuns(runIngest);
