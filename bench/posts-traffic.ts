import { addDays, localDateTime } from '../src/common/local-time';

/**
 * The traffic of the single-posts benchmark (bench/posts.bench.ts), shared by the benchmark and
 * its load process: post `n` of a run is one `aired` record of commune `n mod C`, its `n div C`-th
 * of the run, two minutes after the previous one of that commune, a minute long, with its own
 * Idempotency-Key. Every record keeps to the default broadcast policy: a commune's day holds at
 * most SLOTS_PER_DAY of them, from 05:30 (the end of the default quiet hours) to 12:10 at the
 * latest, 200 minutes of airtime (the daily limit is 240); its next posts go to the next day. A
 * run starts on its own days (`runDays`), so runs never overlap.
 */
export interface PostsRun {
  /** The service's origin (`http://127.0.0.1:port`). */
  origin: string;
  /** Path of post `n`'s commune: `${pathPrefix}${commune}${pathSuffix}`. */
  pathPrefix: string;
  pathSuffix: string;
  token: string;
  communes: string[];
  /** Posts in the run. */
  count: number;
  /** Keep-alive connections, each sending its next post once answered. */
  connections: number;
  /** The run's first day (local), and the prefix of its idempotency keys. */
  date: string;
  tag: string;
}

export interface PostsResult {
  /** From the first post sent to the last answer. */
  ms: number;
  /** Each post's time from sending to its whole answer, in the order sent. */
  latencies: number[];
  statuses: Record<string, number>;
  /** The first few answers other than 201. */
  failures: string[];
}

const TOPIC_SETS = [
  ['chinh-quyen-so'],
  ['kinh-te-so'],
  ['xa-hoi-so'],
  ['mo-hinh-2-cap'],
  ['chinh-quyen-so', 'mo-hinh-2-cap'],
  ['kinh-te-so', 'xa-hoi-so'],
];
const TITLES = [
  'Bản tin Chính quyền số: dịch vụ công trực tuyến toàn trình',
  'Kinh tế số: đưa nông sản xứ Thanh lên sàn thương mại điện tử',
  'Xã hội số: mỗi người dân một tài khoản định danh điện tử',
  'Mô hình chính quyền địa phương 2 cấp phục vụ người dân',
];

/** A commune's records a day: 200 one-minute records, two minutes apart from 05:30. */
export const SLOTS_PER_DAY = 200;
const FIRST_MINUTE = 5 * 60 + 30;

/** The days a run of `count` posts over `communes` communes takes. */
export function runDays(count: number, communes: number): number {
  return Math.max(1, Math.ceil(Math.ceil(count / communes) / SLOTS_PER_DAY));
}

export interface PostOf {
  commune: string;
  idempotencyKey: string;
  body: string;
}

export function postOf(run: Pick<PostsRun, 'communes' | 'date' | 'tag'>, n: number): PostOf {
  const commune = run.communes[n % run.communes.length];
  const slot = Math.floor(n / run.communes.length);
  const date = addDays(run.date, Math.floor(slot / SLOTS_PER_DAY));
  const startedAt = localDateTime(date, FIRST_MINUTE + (slot % SLOTS_PER_DAY) * 2);
  return {
    commune,
    idempotencyKey: `${run.tag}-${n}`,
    body: JSON.stringify({
      outcome: 'aired',
      title: TITLES[n % TITLES.length],
      topics: TOPIC_SETS[n % TOPIC_SETS.length],
      startedAt: startedAt.toISOString(),
      endedAt: new Date(startedAt.getTime() + 60_000).toISOString(),
      playedMs: 60_000,
    }),
  };
}
