import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { addDays, localDateOf, localDateTime } from '../src/common/local-time';

/**
 * The soak benchmark's clients (bench/soak.bench.ts), on a worker thread: an event loop of their
 * own, so the service's event loop is measured, not the clients'. Loopback only, bounded in
 * count and time. A health probe every 100 ms throughout; with `attack`, at the same time:
 * a login flood (wrong passwords, a new username each time), nested JSON (a 3.8 MB body nested
 * 1.9 million deep to the login without a token, 10,000 levels with a token on the batch route),
 * and batches of as-run records (each 30 s long, a minute apart, going back day by day from
 * yesterday: RECORDS_PER_DAY a day from 05:30, the end of the default quiet hours, to 12:10, so
 * 200 minutes of airtime a day against the default limit of 240).
 */
export interface SoakLoadSpec {
  port: number;
  token: string;
  attack: boolean;
  durationMs: number;
  loginsPerSecond: number;
  nestedPerSecond: number;
  batchesPerSecond: number;
  recordsPerBatch: number;
  /** The commune the as-run batches go to (not one whose items are playing). */
  batchCommune: string;
}

export interface SoakLoadResult {
  healthMs: number[];
  healthFailures: number;
  /** `kind status` → count, e.g. `login 401`. */
  answers: Record<string, number>;
  /** The slowest answer of each kind, ms. */
  slowestMs: Record<string, number>;
}

const HUGE = '['.repeat(1_900_000) + ']'.repeat(1_900_000);
const DEEP = '['.repeat(10_000) + ']'.repeat(10_000);

function send(
  port: number,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      resolve({ status, ms: performance.now() - started });
    };
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) }
            : {}),
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => finish(response.statusCode ?? 0));
      },
    );
    // A refusal may close the connection while the body is still being sent: the answer counts.
    request.on('error', () => setTimeout(() => finish(0), 1000));
    request.end(payload);
  });
}

/** The batch commune's records a day: 400 of 30 s, a minute apart from 05:30. */
const RECORDS_PER_DAY = 400;
const FIRST_MINUTE = 5 * 60 + 30;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function run(spec: SoakLoadSpec): Promise<SoakLoadResult> {
  const until = Date.now() + spec.durationMs;
  const result: SoakLoadResult = { healthMs: [], healthFailures: 0, answers: {}, slowestMs: {} };
  const count = (kind: string, answer: { status: number; ms: number }) => {
    const key = `${kind} ${answer.status}`;
    result.answers[key] = (result.answers[key] ?? 0) + 1;
    result.slowestMs[kind] = Math.max(result.slowestMs[kind] ?? 0, Math.round(answer.ms));
  };
  const pending = new Set<Promise<unknown>>();
  /** Calls `fire` `perSecond` times a second until the end, without waiting for answers. */
  const every = async (perSecond: number, fire: (index: number) => Promise<unknown>) => {
    if (perSecond <= 0) return;
    const interval = 1000 / perSecond;
    for (let index = 0; Date.now() < until; index++) {
      const promise = fire(index);
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
      await sleep(interval);
    }
  };
  const bearer = { Authorization: `Bearer ${spec.token}` };
  const loops: Promise<unknown>[] = [
    (async () => {
      while (Date.now() < until) {
        const answer = await send(spec.port, 'GET', '/api/v1/health');
        if (answer.status === 200) result.healthMs.push(answer.ms);
        else result.healthFailures++;
        await sleep(100);
      }
    })(),
  ];
  if (spec.attack) {
    // Records a minute apart, going back from yesterday's last, day by day: each batch new, none
    // overlapping, every one within the default policy.
    const yesterday = addDays(localDateOf(new Date()), -1);
    let sent = 0;
    loops.push(
      every(spec.loginsPerSecond, async (index) =>
        count(
          'login flood',
          await send(
            spec.port,
            'POST',
            '/api/v1/auth/login',
            JSON.stringify({ username: `khach-${index}`, password: `sai-mat-khau-${index}` }),
          ),
        ),
      ),
      every(spec.nestedPerSecond, async (index) =>
        index % 2 === 0
          ? count('login 3.8 MB nested', await send(spec.port, 'POST', '/api/v1/auth/login', HUGE))
          : count(
              'batch 10,000 levels',
              await send(
                spec.port,
                'POST',
                `/api/v1/communes/${spec.batchCommune}/playout-log/batch`,
                DEEP,
                bearer,
              ),
            ),
      ),
      every(spec.batchesPerSecond, async () => {
        const records = Array.from({ length: spec.recordsPerBatch }, () => {
          const day = Math.floor(sent / RECORDS_PER_DAY);
          const slot = RECORDS_PER_DAY - 1 - (sent++ % RECORDS_PER_DAY);
          const startedAt = localDateTime(addDays(yesterday, -day), FIRST_MINUTE + slot);
          return {
            outcome: 'aired',
            title: 'Bản tin chuyển đổi số',
            topics: ['kinh-te-so'],
            startedAt: startedAt.toISOString(),
            endedAt: new Date(startedAt.getTime() + 30_000).toISOString(),
          };
        });
        count(
          'as-run batch',
          await send(
            spec.port,
            'POST',
            `/api/v1/communes/${spec.batchCommune}/playout-log/batch`,
            JSON.stringify({ records }),
            bearer,
          ),
        );
      }),
    );
  }
  await Promise.all(loops);
  await Promise.all([...pending]);
  return result;
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as SoakLoadSpec).then((result) => port.postMessage(result));
}
