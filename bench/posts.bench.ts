import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import { DataSource } from 'typeorm';
import { addDays } from '../src/common/local-time';
import { dataSourceOptions, SQLITE_PRAGMAS } from '../src/database/data-source-options';
import { deleteRedisKeys } from '../test/support/services';
import {
  BENCH_REDIS_URL,
  benchEnv,
  BenchChild,
  median,
  startSettings,
  startSettingsText,
} from './bench-support';
import { Benchmark } from './bench.types';
import { distribution } from './playout.bench';
import { PostsServiceAnswer, PostsServiceAsk } from './posts-service';
import { PostsResult, PostsRun, runDays } from './posts-traffic';

const PROVINCE = '38';
const CONNECTIONS = 64;
const POSTS = Number(process.env.BENCH_POSTS ?? 6000);
const WARM_UP_POSTS = 500;
const ROUNDS = 3;
const GOAL_PER_SECOND = 1000;
const GOAL_P99_MS = 100;

function sqliteRun(db: Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((done, fail) =>
    db.run(sql, params, (error) => (error ? fail(error) : done())),
  );
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

const RAW_COLUMNS = [
  'id',
  'commune_code',
  'seq',
  'attempt',
  'title',
  'topics',
  'started_at',
  'ended_at',
  'played_ms',
  'outcome',
  'source',
  'prev_hash',
  'hash',
  'idempotency_key',
  'content_key',
  'created_at',
  'demo',
];

/**
 * The raw baselines' server (node:http, keep-alive): with `db`, each post is one INSERT of its
 * row into `playout_record` of a fresh database of the same schema, committed on its own (no
 * checks, no chain, no topics, no roll-ups), then answered 201 with the row; without, it is
 * answered 201 at once (the HTTP floor of this machine and load process).
 */
async function rawServer(db: Database | null): Promise<{ server: Server; origin: string }> {
  const seqs = new Map<string, number>();
  const insert = `INSERT INTO playout_record (${RAW_COLUMNS.join(', ')}) VALUES (${RAW_COLUMNS.map(() => '?').join(', ')})`;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readJson(request);
      const communeCode = (request.url ?? '').split('/')[4];
      const seq = (seqs.get(communeCode) ?? 0) + 1;
      seqs.set(communeCode, seq);
      const key = String(request.headers['idempotency-key']);
      const row = [
        randomUUID(),
        communeCode,
        seq,
        1,
        body.title,
        JSON.stringify(body.topics),
        body.startedAt,
        body.endedAt,
        body.playedMs,
        body.outcome,
        'operator',
        '0'.repeat(64),
        '0'.repeat(64),
        key,
        key,
        new Date().toISOString(),
        0,
      ];
      if (db) await sqliteRun(db, insert, row);
      const answer = JSON.stringify(Object.fromEntries(RAW_COLUMNS.map((c, i) => [c, row[i]])));
      response.writeHead(201, { 'Content-Type': 'application/json' }).end(answer);
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

type ServiceProcess = BenchChild<PostsServiceAsk, PostsServiceAnswer>;

/** The service process's answer to `ask`, of the same type. */
async function askService<K extends PostsServiceAsk['type']>(
  service: ServiceProcess,
  ask: Extract<PostsServiceAsk, { type: K }>,
): Promise<Extract<PostsServiceAnswer, { type: K }>> {
  const answer = await service.run(ask);
  if (answer.type !== ask.type) throw new Error(`Asked ${ask.type}, answered ${answer.type}`);
  return answer as Extract<PostsServiceAnswer, { type: K }>;
}

/** The CPU (µs) used so far by the process that serves `origin`. */
type CpuClock = () => Promise<number>;

const ownCpu: CpuClock = () => {
  const { user, system } = process.cpuUsage();
  return Promise.resolve(user + system);
};

interface Measured {
  result: PostsResult;
  cpuMs: number;
}

async function measure(
  load: BenchChild<PostsRun, PostsResult>,
  run: PostsRun,
  cpu: CpuClock,
): Promise<Measured> {
  const before = await cpu();
  const result = await load.run(run);
  return { result, cpuMs: ((await cpu()) - before) / 1000 };
}

/** What the table gives of a server's rounds: the medians of each figure, and each round's. */
interface Summary {
  rate: number;
  p50: number;
  p99: number;
  max: number;
  cpuMicros: number;
  statuses: Record<string, number>;
  rounds: { rate: number; p99: number }[];
}

function summarize(rounds: Measured[], count: number): Summary {
  const each = rounds.map(({ result, cpuMs }) => ({
    ...distribution(result.latencies),
    rate: (count / result.ms) * 1000,
    cpuMicros: (cpuMs / count) * 1000,
  }));
  const statuses: Record<string, number> = {};
  for (const { result } of rounds) {
    for (const [status, n] of Object.entries(result.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + n;
    }
  }
  return {
    rate: median(each.map((round) => round.rate)),
    p50: median(each.map((round) => round.p50)),
    p99: median(each.map((round) => round.p99)),
    max: Math.max(...each.map((round) => round.max)),
    cpuMicros: median(each.map((round) => round.cpuMicros)),
    statuses,
    rounds: each.map(({ rate, p99 }) => ({ rate, p99 })),
  };
}

function row(name: string, summary: Summary): string {
  const statuses = Object.entries(summary.statuses)
    .map(([status, n]) => `${n.toLocaleString('en')} × ${status}`)
    .join(', ');
  const rounds = summary.rounds
    .map(({ rate, p99 }) => `${Math.round(rate).toLocaleString('en')} / ${p99.toFixed(0)}`)
    .join(' · ');
  return (
    `| ${name} | ${Math.round(summary.rate).toLocaleString('en')} | ${summary.p50.toFixed(1)} | ` +
    `${summary.p99.toFixed(1)} | ${summary.max.toFixed(1)} | ${statuses} | ` +
    `${summary.cpuMicros.toFixed(0)} µs | ${rounds} |`
  );
}

/**
 * `npm run bench -- posts`: single as-run posts (`POST /communes/:commune/playout-log`, one
 * record each, with an Idempotency-Key) from 64 keep-alive connections of a separate load
 * process, over the 166 communes of Thanh Hóa at once, on SQLite; against a raw node:http
 * server doing one INSERT per post, and the bare HTTP floor, in the same run.
 */
export const postsBenchmark: Benchmark = {
  id: 'posts',
  title: 'Single as-run posts: many communes at once, 64 keep-alive connections',
  async run(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'loa-xa-bench-posts-'));
    const prefix = `loa-xa-bench-${randomBytes(4).toString('hex')}`;
    const env = benchEnv(dir, prefix, { APP_ROLES: 'api', PORT: '0' });
    const loadBefore = loadavg()[0];
    let raw: Database | undefined;
    const servers: Server[] = [];
    // The service in a process of its own, run as `npm start` runs it.
    // BENCH_CPU_PROF=<folder>: the service's CPU profile written there (`node --cpu-prof`).
    const profile = process.env.BENCH_CPU_PROF;
    const serviceProcess: ServiceProcess = new BenchChild('posts-service.js', {
      execArgv: [
        ...startSettings.NODE_FLAGS,
        ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      ],
      env: startSettings.serviceEnv(process.env),
    });
    // One load process for the whole run: each server is warmed up by the same clients that then
    // measure it, on the same keep-alive connections.
    const load = new BenchChild<PostsRun, PostsResult>('posts-load.js');
    try {
      const { origin, communes } = await askService(serviceProcess, {
        type: 'start',
        env,
        now: '2025-11-05T12:00:00+07:00',
        province: PROVINCE,
      });
      const login = await fetch(`${origin}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const base = {
        pathPrefix: '/api/v1/communes/',
        pathSuffix: '/playout-log',
        token: accessToken,
        communes,
        connections: CONNECTIONS,
      };

      // Baselines, in the same run: one raw INSERT per post, and the bare HTTP floor.
      const file = join(dir, 'raw.sqlite');
      const schema = new DataSource(dataSourceOptions({ driver: 'sqlite', file }));
      await schema.initialize();
      await schema.destroy();
      raw = new Database(file);
      await sqliteRun(raw, 'PRAGMA journal_mode = WAL');
      for (const pragma of SQLITE_PRAGMAS) await sqliteRun(raw, `PRAGMA ${pragma}`);
      const rawInsert = await rawServer(raw);
      servers.push(rawInsert.server);
      const floor = await rawServer(null);
      servers.push(floor.server);

      // Each server warmed up, then the three measured in turns, round after round, so that a
      // change in the shared machine's speed weighs on all three alike. Each round on its days.
      const serviceCpu: CpuClock = async () =>
        (await askService(serviceProcess, { type: 'cpu' })).micros;
      const targets: [string, CpuClock][] = [
        [origin, serviceCpu],
        [rawInsert.origin, ownCpu],
        [floor.origin, ownCpu],
      ];
      for (const [index, [server, cpu]] of targets.entries()) {
        await measure(
          load,
          {
            ...base,
            origin: server,
            count: WARM_UP_POSTS,
            date: '2025-10-01',
            tag: `warm-${index}`,
          },
          cpu,
        );
      }
      const firstRunDate = addDays('2025-10-01', runDays(WARM_UP_POSTS, communes.length));
      const daysPerRun = runDays(POSTS, communes.length);
      const measured: Measured[][] = targets.map(() => []);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [index, [server, cpu]] of targets.entries()) {
          measured[index].push(
            await measure(
              load,
              {
                ...base,
                origin: server,
                count: POSTS,
                date: addDays(firstRunDate, round * daysPerRun),
                tag: `run-${round}`,
              },
              cpu,
            ),
          );
        }
      }
      const [service, rawRun, floorRun] = measured.map((rounds) => summarize(rounds, POSTS));

      // Nothing lost: every answered post is in the log, once, and every chain verifies.
      const { stored, broken } = await askService(serviceProcess, {
        type: 'check',
        keyPrefix: 'run-',
        communes,
      });
      const failures = measured[0].flatMap(({ result }) => result.failures).slice(0, 5);
      const loadAfter = loadavg()[0];

      const answered = service.statuses['201'] ?? 0;
      const lost = answered - stored;
      const met =
        service.rate >= GOAL_PER_SECOND &&
        service.p99 <= GOAL_P99_MS &&
        answered === POSTS * ROUNDS &&
        lost === 0;
      return [
        `${POSTS.toLocaleString('en')} single posts to \`POST /api/v1/communes/:commune/playout-log\``,
        `(one \`aired\` record each, with an \`Idempotency-Key\`), spread over the ${communes.length}`,
        `communes of Thanh Hóa (each commune's posts two minutes apart, so all of them are new and`,
        `none overlaps), from ${CONNECTIONS} keep-alive connections of node:http in a separate load`,
        'process, each sending its next post as soon as the previous one is answered. The service',
        'runs in a process of its own (API role, SQLite, WAL, each commit synced), with the node',
        `options and environment of \`npm start\` (${startSettingsText()}). Posts that arrive`,
        'while a transaction runs are committed together in the next one (group commit), each',
        'checked as if alone and answered with its own record or error. Baselines in the same run,',
        'same load process: a node:http server doing one raw `INSERT` of the post into',
        '`playout_record` per request, committed alone (no checks, chain, topics, audit or',
        'roll-ups); and the same server answering without a database (the HTTP floor). Each server',
        `is first warmed up with ${WARM_UP_POSTS} posts of another day by the same load process, whose`,
        `connections stay open into the measured runs; then the three take ${ROUNDS} rounds in turns`,
        '(the service, the raw server, the floor, again), each round on a day of its own, so that a',
        'change in the shared machine’s speed weighs on all three alike. The table gives the median',
        'round of each figure (the max: the highest), and each round’s posts/s and p99. CPU is the',
        'measured process’s own, per post.',
        '',
        `Machine load (1-minute average): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores; the machine is shared.`,
        '',
        '| server | posts/s | p50 (ms) | p99 (ms) | max (ms) | answers | CPU per post | rounds: posts/s / p99 (ms) |',
        '|---|---|---|---|---|---|---|---|',
        row('**the service** (group commit)', service),
        row('raw: one INSERT per post, committed alone', rawRun),
        row('HTTP floor: node:http answering at once', floorRun),
        '',
        `Nothing lost: ${answered.toLocaleString('en')} posts answered 201, ${stored.toLocaleString('en')} records with their keys in the log, ` +
          `${communes.length - broken} of ${communes.length} chains verify.`,
        ...(failures.length > 0 ? ['', `First refusals: ${failures.join(' / ')}`] : []),
        '',
        `Service ÷ raw single INSERTs (medians): ${(service.rate / rawRun.rate).toFixed(2)}. ` +
          `Goal ≥ ${GOAL_PER_SECOND.toLocaleString('en')} posts/s with p99 ≤ ${GOAL_P99_MS} ms and nothing lost: ${met ? 'met' : '**not met**'}.`,
        '',
        'Before (the code of commit 5b5bc9c, this benchmark the same evening, 2026-12-03 22:42 UTC,',
        'load 7.7 before and 6.8 after): 521 posts/s, p50 116 ms, p99 215 ms, 1,816 µs of CPU per',
        'post (the raw server 477 µs, the HTTP floor 115 µs). Run in turns with this code at load',
        '~5: 1,828 and 1,714 µs of CPU per post before, 1,145 and 1,200 µs after (959 and 635',
        'posts/s), the raw server 451–539 µs in the same runs.',
        '',
        'What changed (profiles of the service taking 3,000–6,500 posts, `node --cpu-prof`, 2026-12-03):',
        'the body of a post is checked by the constraint functions the batch route already used,',
        'class-validator only when in doubt (~0.15 ms a post); a verified token is remembered until',
        'its `exp` (jsonwebtoken ~0.1 ms a post), while the user and their token version are still',
        'read for every request, so disabling a user or changing their password, role or scope',
        'counts at once; that read is one plain query instead of TypeORM’s `findOneBy` (~0.1 ms),',
        'and the reads asked for while one runs go together in the next; the campaign day rows a',
        'group touches are read in one query instead of one per commune. Each SQL statement costs',
        '~58 µs of CPU in node-sqlite3 (measured apart); a post made three of its own and now shares',
        'in about one. Where the rest goes (the same profiles, at load 6–9): garbage collection',
        '~13 % of the busy time, express routing and Node’s HTTP ~30 %, SQLite and TypeORM ~19 %,',
        'pino-http ~5 %, Nest ~4 %, the promise hooks of AsyncLocalStorage (request-scoped logs,',
        'Node 20) ~3 %, the ledger’s own JavaScript under a tenth. With one core for the service,',
        'the CPU per post above is its ceiling in posts/s (1,000,000 ÷ µs per post); the load',
        'process, the other helpers’ work and the lead share the machine’s two cores.',
        '',
        'Since (2026-12-04): the reads a group of posts makes (chain heads, records by key, the',
        'records in effect around each post: only their seq and times, in seq order), the topic',
        'check and the campaigns read for the roll-ups are plain SQL, one query each, with no',
        'TypeORM entity built per row; the audit rows of a group are multi-row INSERTs of plain',
        'SQL. The request log no longer uses pino’s `redact` (fast-redact at every request): a',
        'request serializer writes `authorization` and `cookie` as `[Redacted]`; and a request’s',
        'loggers are bound to its id only, the request being written into its “request completed”',
        'line when that line is written, where pino-http serialized it into a child logger at',
        'every request, even at a level that writes nothing (as here, `LOG_LEVEL=silent`).',
        '',
        'The goal is in posts a second, so the machine counts as much as the code. On the machine of',
        '2026-12-04 the service gave 1,081 posts/s with p99 179 ms (the raw server 1,465 posts/s, 521',
        'µs of CPU a post). On that of 2026-12-05, three runs at 05:38 UTC (the code of 97fe0cc; the',
        'raw server 2,589–2,754 posts/s, 298–310 µs a post) gave 1,339–1,402 posts/s with p99 88–94',
        'ms (761–809 µs a post): met by a few milliseconds; from 06:11 the machine was slower (the raw',
        'server 2,076–2,379 posts/s, 343–402 µs a post) and four runs of the code as it is now,',
        'before this table’s, gave 1,074–1,304 posts/s with p99 118–187 ms (826–1,002 µs a post): not',
        'met. In all of them the',
        'service kept about half the raw server’s rate (0.48–0.55). A profile of the code as it is',
        'now (the 6,000 posts under `node:inspector`, which slows them to ~1,000 posts/s): ~30 % of',
        'the main thread’s time is idle, waiting for SQLite’s thread (a group’s statements and its',
        'commit); garbage collection 7 %; Express’s router walking its routes for each request',
        '(`next`, path-to-regexp) ~4 %; the ledger, its checks and the roll-ups under a tenth. More',
        'margin would take keeping the main thread at work while SQLite works (the next group',
        'checked during the current one’s statements, its reads on a second connection): not',
        'attempted.',
        '',
        'A look on a slower machine (2026-12-05 from 08:15 UTC, the same code; within minutes the raw',
        'server gave 1,205–1,880 posts/s and the HTTP floor 3,547–6,386): the service gave 664–1,003',
        'posts/s with p99 137–211 ms, 0.50–0.65 of the raw server. Timing each group (not kept): the',
        'groups alternate in size, 41 and 23 posts (the 64 connections split in two), and each takes',
        '30–65 ms whatever its size; a group’s BEGIN waits p50 8.8 ms, at most 55 ms, for its answer,',
        'the main thread being busy answering the previous group’s posts and taking in the next ones;',
        'the event loop is busy 74–79 % of the run (`performance.eventLoopUtilization`). Taking the',
        'roll-ups’ twelve statements out of every group (an experiment, not kept; three runs each, in',
        'turns) changed nothing that the machine’s noise did not hide: service ÷ raw 0.50–0.65 without',
        'them, 0.50–0.58 with them. So fewer round trips a group is not the lever; the main thread’s',
        'own work per post is, spread thin (a profile under `node:inspector`): Express checks 92',
        'layers before this route’s, the request log (pino-http builds a logger for the request even',
        'when nothing is written) ~8 % of the busy time, the response ~4 %, the ledger and its checks',
        'a few per cent each.',
        '',
        'Measured apart since (2026-12-05 from 11:40 UTC, a real Express app, 3,000 requests of a',
        'node:http client a round, in turns): the request log’s middleware took 60 µs a request, 47 µs',
        'since a request is serialized only into a line that is written, not into the child logger',
        'pino-http makes for every request; the profile’s ~8 % weighed its many small calls more than',
        'they cost. The API’s Express router holds 158 layers, this route the 93rd (middleware,',
        'the API docs, the web app’s files, then every controller’s routes in module order). Written',
        'by arithmetic, an instant takes ~0.2 µs instead of `toISOString`’s ~0.6 µs, four to six of',
        'them a post. Each saves about a per cent of a post’s CPU; with both, on that afternoon’s slower',
        'machine, the raw server gave 1,133–1,918 posts/s in its runs (2,489 in the morning’s), the',
        'service 755–1,092 posts/s with p99 114–156 ms: not met.',
        '',
        'On the faster machine of 2026-12-05 evening (2 × Intel Xeon; the raw server 3,085–3,577',
        'posts/s, 159–185 µs a post) the same code gave 1,584–1,873 posts/s with p99 63–106 ms in',
        'eight runs, the goal met in seven; the one over (p99 105.6 ms, max 107.7 ms) was before the index',
        'on `started_at` alone went (see the ingest), the five since gave p99 63–88 ms. As before, the',
        'service kept about half the raw server’s rate (0.52–0.57 in the first three runs).',
        '',
        'On a slower machine again (2026-12-05 21:06–21:12 UTC, 2 × AMD EPYC; the raw server',
        '1,656–1,768 posts/s, 420–464 µs a post), the same code gave 886–1,050 posts/s with p99',
        '132–158 ms in three runs (1,047–1,199 µs a post), 0.50–0.62 of the raw',
        'server: not met. A profile of one run (under `node:inspector`) shows the spread of the',
        'afternoon’s: the main thread idle ~31 % of the time, garbage collection ~10 %, Express’s',
        'router, helmet and Nest’s middleware ~10 %, the request log ~4 %, the ledger a few per cent.',
        '',
        'The run of 2026-12-05 from 23:48 UTC, 2 × Intel Xeon again, slower than in the evening (the',
        'raw server 2,446–2,658 posts/s, 267–318 µs a post). Since, the plain-SQL helpers keep their',
        'statements prepared on SQLite (see the ingest). In turns, two runs each: the code before',
        '1,310–1,313 posts/s with p99 104–110 ms (804–816 µs a post), after it 1,373–1,433 posts/s with',
        'p99 97–100 ms (756–785 µs). Four runs of it in a row then: 1,372–1,466 posts/s, p99 89–176 ms,',
        'under 100 ms in two (that run’s table the last; the 176 ms, max 198 ms, in the first): the rate',
        'met, the p99 at the goal’s edge on this machine, as on the evening’s.',
        '',
        'The table of 2026-12-06 05:12 UTC, 2 × AMD EPYC (in those runs the raw server',
        '1,444–1,826 posts/s, 430–502 µs a post), with the ingest’s changes of 2026-12-06 (ids and',
        'instants made from character codes, the canonical tail): nine runs before this table’s,',
        'without tracing, gave 797–1,048 posts/s, p99 154–160 ms in the three whose table was read:',
        'not met, 0.55–0.62 of the raw server. Where the CPU goes, per thread (`/proc/self/task`, a',
        'post): the main thread 582–777 µs, V8’s four platform threads (garbage collection, the',
        'optimizing compiler) ~280 µs, SQLite’s four libuv threads 170–185 µs; the raw server’s',
        '175–227, ~40 and 195–215 µs. A post allocates 131 kB (a sampled heap profile over the',
        '6,000): Nest’s pipeline ~16 kB, Express’s router walking its layers ~16 kB, pino-http’s',
        'middleware 11 kB (two child loggers a request, though nothing is written), the promise hook',
        'of AsyncLocalStorage 7 kB, the access guard 6 kB, the ledger, its checks and the roll-ups',
        '~12 kB. A young-generation collection comes every ~80 ms and takes ~10 ms; what the posts',
        'still waiting for their group hold survives, each promotes ~3 MB, and a full collection',
        'every ~4 s takes the heap from ~200 MB back to ~58 MB. What outlives the young generation',
        '(the same profile, objects only a full collection frees) is 38 kB a post: pino-http’s',
        'middleware 8.4 kB of it, Express’s router 6.8 kB, the guard and the body’s reading 3.8 kB,',
        'what the middleware sets up for a request living as long as the request waits for its group.',
        'A longer warm-up (3,000 or 6,000 posts) changed nothing beyond the noise: after 3,000 the',
        'compiler still optimized 115 functions during the run (`--trace-opt`). `npm start` runs with',
        'young semi-spaces of 2 MB (the memory goal), this benchmark with Node’s default: one run',
        'each in a row, 2 MB 895 posts/s, the default 1,048, 32 MB 1,106, so the deployed service',
        'takes single posts up to a sixth slower than this table says. The goal would take ~1,000 µs',
        'a post here; two thirds of a post’s allocation, and in the earlier profiles the largest part',
        'of its CPU, is the HTTP stack around it (Node’s HTTP, Express, Nest, the request log, the',
        'guard), so the next lever is that stack (Nest’s Fastify adapter), not the ledger: not',
        'attempted, as the upload routes, helmet, the queue dashboard and the reading of bodies after',
        'access is decided are written for Express.',
        '',
        'Since 2026-12-06 07:10 UTC the load process is kept from the warm-ups into the runs, and the',
        'three servers take three rounds in turns (above). Before, each measure forked a fresh load',
        'process that opened its 64 connections as the run began: the HTTP floor’s p99 was 47–52 ms,',
        '28 ms without its first quarter second, and the service’s first quarter second had a median',
        'of 100–118 ms, after a warm-up of 500 posts or of 3,000 alike. Single runs of the new way (2',
        '× AMD EPYC, 07:13–07:27 UTC) gave the service 733–1,226 posts/s with p99 112–185 ms, and the',
        'raw server 1,365–2,390 posts/s within the same minutes: the shared machine changed speed by',
        'half from one minute to the next.',
        '',
        'Timing each group and the collector in those runs (a copy of the benchmark patched, not',
        'kept): the main thread is busy 73–80 % of a run (`performance.eventLoopUtilization`); a',
        'group of ~32 posts takes p50 23–29 ms, its BEGIN waiting p50 7–10 ms for the main thread,',
        'busy answering the previous group and taking in the next posts. A young-generation',
        'collection takes 4–5 ms after a full collection and grows to 10–11 ms as the old generation',
        'fills towards ~190 MB (each promotes 2–3.4 MB): a run’s first seconds are its slowest (a',
        'median of 70–86 ms a post, against 40–50 ms after its full collection). A heap snapshot in',
        'mid-run holds 66 requests, the 64 in flight: no request is kept past its answer. Tried in',
        'turns and not kept: a group’s chain heads, topics and keys read at once, then its content',
        'keys and the records in effect at once (a wait fewer; medians of five runs each, 1,052',
        'against 1,123 posts/s); a group’s answers given once the next group’s BEGIN is sent (898–930',
        'against 1,143–1,150 posts/s), or one a turn of the event loop (876); BEGIN and COMMIT as',
        'prepared statements (no change); no AsyncLocalStorage (3–5 % less CPU a post, the p99 the',
        'same); a smaller old generation (`--max-old-space-size=110`: young collections of 4–6 ms',
        'throughout, but a full one every ~0.5 s, 937 posts/s) or larger young semi-spaces (32 MB:',
        '1,146 posts/s, p99 139 ms). The goal stays out of reach on that machine for the reason the',
        'paragraphs above give: the main thread’s own work a post, most of it the HTTP stack’s.',
        '',
        'Since 2026-12-06 10:10 UTC the service runs in a process of its own with `npm start`’s node',
        'options and environment (above); until then it ran in the benchmark’s process with Node’s',
        'default young generation (semi-spaces of up to 16 MB against 2 MB), as in every run the',
        'paragraphs above give. This table: 2 × Intel Xeon, 10:27 UTC, the raw server 2,800–3,235',
        'posts/s (229 µs a post). Before it on the same machine, in the benchmark’s process with',
        'Node’s defaults: 2,021 and 2,046 posts/s, p99 88 and 45 ms (486–498 µs a post); in a process',
        'of its own as deployed, once before this table’s: 1,742 posts/s, p99 87 ms (592 µs a post).',
        'The deployed young generation costs a post 12–20 % more CPU here; the goal is met with it on',
        'this machine, by 11–20 ms of p99, where on the AMD machine of the morning it was not met',
        'even with Node’s defaults.',
        '',
        'On 2 × AMD EPYC again (2026-12-06 from 13:30 UTC), as deployed: with the code of the',
        'morning 970 posts/s, p99 145 ms (1,149 µs of CPU a post; the raw server 2,214 posts/s),',
        'not met. With the ingest’s changes of that afternoon (an append’s independent writes',
        'and the roll-ups’ given at once, the user’s read prepared), one run: 997 posts/s, p99',
        '134 ms (1,154 µs a post; the raw server 1,995 posts/s, 0.50 of it): not met; then this',
        'run of 14:13 UTC, 951 posts/s with p99 148 ms. On this kind of machine the goal is not',
        'met: a post’s CPU is still ~1.1 ms, most of it the HTTP stack around it (see above).',
        '',
        'The run of 2026-12-06 16:25 UTC, the same code on a fresh machine of the same kind: the',
        'rate met, the p99 not. The service under `--trace-gc` in a run of its 18,500 posts: 1,756',
        'young-generation collections, ~10 posts each, ~2.3 ms each, 3.98 s in all: ~215 µs a post,',
        'a fifth of its CPU; a full collection every ~4 s, the heap from ~200 back to ~50 MB. The',
        'service with larger young semi-spaces, in turns (16:30–16:42 UTC, two runs each): 2 MB',
        '1,019 and 1,094 posts/s, p99 152 and 139 ms; 4 MB 1,069 and 1,138 posts/s, p99 114 and',
        '126 ms; 8 MB 1,032 and 1,169 posts/s, p99 130 and 115 ms; the raw server 1,972–2,486',
        'posts/s in the same runs: within the machine’s noise, none under 100 ms.',
        '',
        'The two levers left, measured on another fresh machine of the same kind (2026-12-06 from',
        '19:45 UTC; one run of the code as it is: 1,035 posts/s, p99 123 ms, 1,096 µs a post, the raw',
        'server 2,126 posts/s). Checkpoints: the service with `wal_autocheckpoint` at 1,000,000 pages',
        '(none during a run) against its 10,000, two runs each in turns: 1,114 and 991 posts/s, p99 118',
        'and 123 ms, against 1,013 and 1,143 posts/s, p99 133 and 106 ms: within the noise, so the',
        'WAL’s copies into the database are not what keeps the p99 up. Nest on Fastify instead of',
        'Express (`@nestjs/platform-fastify` 12.6, a separate minimal app, not the service: a guard, a',
        'JSON body of one record, the hot route after 90 others, 30,000 posts from 64 keep-alive',
        'connections, three runs each in turns): 207–265 µs of CPU a post on Express (4,000–5,100',
        'posts/s), 32–62 µs on Fastify (14,600–29,600 posts/s); the 90 routes before the hot one cost',
        'Express ~15 µs of it. Moved to Fastify, the service would save ~150–200 µs of its ~1,100 µs a',
        'post, about a sixth: on this machine ~1,250 posts/s and a p99 near 100 ms by Little’s law (64',
        'posts in flight), at the goal’s edge rather than past it, for a move of every Express-bound',
        'part (uploads, helmet, the queue dashboard, the request log, the web app’s files). Not done.',
        '',
        'This table: 2026-12-07 10:38 UTC, 2 × AMD EPYC again but a faster machine (the raw server',
        '3,300–3,580 posts/s, 259 µs of CPU a post, against ~2,100 and ~450 µs on the machines',
        'above), the code of that day: 1,897–2,076 posts/s, p99 80–92 ms, 572 µs a post, 0.58 of',
        'the raw server as before: met. The goal follows the machine; the service’s share of the',
        'raw server’s rate has stayed at about half on every machine.',
        '',
        'This table: 2026-12-07 13:48 UTC, the same kind of machine running about half as fast (the',
        'raw server 1,616–2,258 posts/s, ~400 µs of CPU a post), the code that checks each post',
        'against the commune’s broadcast policy (quiet hours, session length, and the day’s airtime,',
        'read from the log for the days a group of posts touches); the posts now fill a commune’s',
        'day from 05:30, at most 200 a day, to keep to the default policy. 675–853 posts/s, p99',
        '152–173 ms, 0.38 of the raw server: not met. In turns on this machine, the read of the day’s',
        'airtime left out (an experiment): 0.47 and 0.43 of the raw server, against 0.39 and 0.38',
        'with it; that read and the rest of the check cost about a quarter of the service’s share',
        '(0.58 in the morning). Keeping a running sum of each commune-day’s counted airtime in the',
        'append’s own transaction, instead of reading the day’s records, would take most of it back;',
        'not done this session.',
        '',
        'This table: 2026-12-07 17:06 UTC, the same kind of machine (the raw server 1,418–1,845',
        'posts/s, 549 µs of CPU a post), the check no longer summing the day’s records for every group',
        'of posts: the reports’ set roll-up, kept in each append’s transaction, gives each',
        'commune-day’s aired total, which counts emergencies and live speech too and so is an upper',
        'bound of what the daily limit counts. A day whose total leaves room under the limit for every',
        'record of the group on it takes that total as it is; only a day near the limit, or of a commune',
        'whose roll-ups are behind its log, is summed from its records (one statement for the group',
        'either way). 814–1,013 posts/s, p99 136–164 ms, 1,266 µs of CPU a post, 0.54 of the raw',
        'server, against 0.38 with the summing: the check’s cost is taken back, and the share is about',
        'what it was before the check (0.58 in the morning). A run at 16:43 UTC with other work',
        'loading the machine (load ~5): 639 posts/s, 0.58 of the raw server. The goal is not met on',
        'this machine: its rate follows the machine, at about half the raw server’s.',
        '',
        'This table: 2026-12-07 23:27 UTC, a fresh machine of the same kind (the raw server',
        '1,759–1,855 posts/s, 490 µs of CPU a post), the code of that evening (the breach lists, the',
        'save check and the planner walking a day as the player does; nothing on a post’s path): 874',
        'posts/s, p99 173 ms, 1,233 µs of CPU a post, 0.48 of the raw server; a run at 22:40 UTC, 898',
        'posts/s, p99 134 ms, 1,226 µs, 0.47. A CPU profile of the service in a run (`BENCH_CPU_PROF`):',
        'the main thread idle half the time, garbage collection 22 % of its busy time, SQLite’s',
        'statements from the main thread 8 %, Express’s router 5 %, the request log 4 %, no function of',
        'the ledger over 1 %; a sampled heap profile with collected objects (`HeapProfiler`, 18,500',
        'posts): 136 kB allocated a post, Nest 16 kB, Express’s router 15 kB (walking the 92 layers',
        'before the route), pino-http 12 kB, the promise hook of AsyncLocalStorage 7 kB, the access',
        'guard 6 kB: as on 2026-12-06, most of it the HTTP stack’s. Not met.',
      ].join('\n');
    } finally {
      await load.close();
      await serviceProcess.close();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
      if (raw) await new Promise<void>((done) => raw!.close(() => done()));
      await deleteRedisKeys(BENCH_REDIS_URL, prefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
