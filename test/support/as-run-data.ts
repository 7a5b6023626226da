/**
 * As-run records for report tests, and the test's own arithmetic over them. The model here is
 * written independently of src/reports: it keeps what the API answered (seq and content of each
 * record) and sums airtime by the rules of DESIGN.md, so the reports are checked against it.
 */

const HOUR_MS = 3600 * 1000;
const UTC_OFFSET_MS = 7 * HOUR_MS;

export const CAMPAIGN_TOPICS = ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'];
export const OTHER_TOPICS = ['ngay-cds-quoc-gia', 'hoc-tap-so'];

export const TITLES = [
  'Bản tin Chính quyền số: dịch vụ công trực tuyến toàn trình',
  'Kinh tế số: đưa nông sản xứ Thanh lên sàn thương mại điện tử',
  'Xã hội số: mỗi người dân một tài khoản định danh điện tử VNeID',
  'Mô hình chính quyền địa phương 2 cấp: xã, phường phục vụ người dân',
  'Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10',
  'Tổ công nghệ số cộng đồng hướng dẫn kỹ năng số',
];

/** A deterministic generator (mulberry32), so a failing run can be repeated. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  subset<T>(items: readonly T[], max: number): T[] {
    const chosen = new Set<T>();
    const count = this.int(0, max);
    while (chosen.size < count) chosen.add(this.pick(items));
    return [...chosen];
  }
}

export type Outcome = 'aired' | 'partial' | 'failed' | 'missed';

/** A record as posted (batch JSON or one POST). */
export interface RecordInput {
  outcome: Outcome;
  title: string;
  topics: string[];
  startedAt: string;
  endedAt?: string;
  playedMs?: number;
  reason?: string;
  correctsSeq?: number;
  source?: 'operator' | 'import';
}

/** A record as the API served it (the fields the model needs). */
export interface ServedRecord {
  communeCode: string;
  seq: number;
  topics: string[];
  startedAt: string;
  endedAt: string;
  playedMs: number;
  outcome: Outcome;
  correctsSeq: number | null;
  title: string | null;
  prevHash: string;
  hash: string;
}

export function localDateOf(iso: string): string {
  return new Date(Date.parse(iso) + UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** The UTC instant of a local date and time. */
export function localInstant(date: string, hour: number, minute: number, second = 0): string {
  return new Date(
    Date.parse(`${date}T00:00:00.000Z`) -
      UTC_OFFSET_MS +
      ((hour * 60 + minute) * 60 + second) * 1000,
  ).toISOString();
}

export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (
    let ms = Date.parse(`${from}T00:00:00Z`);
    ms <= Date.parse(`${to}T00:00:00Z`);
    ms += 24 * HOUR_MS
  ) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

/**
 * Hands out non-overlapping ten-minute slots per commune and day (05:00, 05:10, … and on past
 * midnight local of the previous day never), so generated records never clash.
 */
export class SlotBook {
  private readonly used = new Map<string, number>();

  constructor(private readonly slotsPerDay = 90) {}

  /** The start of a free slot of the commune on `date`, or null when the day is full. */
  take(communeCode: string, date: string): string | null {
    const key = `${communeCode}|${date}`;
    const index = this.used.get(key) ?? 0;
    if (index >= this.slotsPerDay) return null;
    this.used.set(key, index + 1);
    return localInstant(date, 5, 0 + index * 10);
  }
}

/** A random record in a given slot: mostly aired, some partial, failed or missed. */
export function randomRecord(random: Random, start: string, topics?: string[]): RecordInput {
  const roll = random.next();
  const outcome: Outcome =
    roll < 0.7 ? 'aired' : roll < 0.85 ? 'partial' : roll < 0.93 ? 'failed' : 'missed';
  const chosenTopics =
    topics ??
    (random.chance(0.9)
      ? [random.pick(CAMPAIGN_TOPICS), ...random.subset([...CAMPAIGN_TOPICS, ...OTHER_TOPICS], 2)]
      : random.subset(OTHER_TOPICS, 1));
  const title = random.pick(TITLES);
  if (outcome === 'missed') {
    return {
      outcome,
      title,
      topics: [...new Set(chosenTopics)],
      startedAt: start,
      reason: 'Mất điện',
    };
  }
  const spanMs = random.int(30, 480) * 1000 + random.int(0, 999);
  const endedAt = new Date(Date.parse(start) + spanMs).toISOString();
  const playedMs =
    outcome === 'aired'
      ? random.chance(0.5)
        ? undefined
        : spanMs - random.int(0, 2000)
      : outcome === 'partial'
        ? random.int(1000, spanMs - 1)
        : random.int(0, spanMs);
  return {
    outcome,
    title,
    topics: [...new Set(chosenTopics)],
    startedAt: start,
    endedAt,
    ...(playedMs === undefined ? {} : { playedMs }),
    ...(outcome === 'failed' ? { reason: 'Lỗi bộ khuếch đại' } : {}),
  };
}

/** A CSV as-run log of records (the playout import's columns), local times without offset. */
export function asRunCsv(records: readonly RecordInput[]): string {
  const local = (iso: string): string =>
    new Date(Date.parse(iso) + UTC_OFFSET_MS).toISOString().slice(0, 23).replace('T', ' ');
  const quote = (text: string): string =>
    /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  const lines = ['startedAt,endedAt,playedMs,outcome,title,topics,reason,correctsSeq'];
  for (const record of records) {
    lines.push(
      [
        local(record.startedAt),
        record.endedAt ? local(record.endedAt) : '',
        record.playedMs ?? '',
        record.outcome,
        quote(record.title),
        record.topics.join('|'),
        quote(record.reason ?? ''),
        record.correctsSeq ?? '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface Sums {
  airedMs: number;
  plays: number;
}

/** The test's own count of what aired, from the records the API acknowledged. */
export class AsRunModel {
  private readonly byCommune = new Map<string, Map<number, ServedRecord>>();

  add(records: readonly ServedRecord[]): void {
    for (const record of records) {
      let log = this.byCommune.get(record.communeCode);
      if (!log) {
        log = new Map();
        this.byCommune.set(record.communeCode, log);
      }
      if (log.has(record.seq)) throw new Error(`seq ${record.seq} seen twice`);
      log.set(record.seq, record);
    }
  }

  all(communeCode: string): ServedRecord[] {
    return [...(this.byCommune.get(communeCode)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Records no later record corrects. */
  inEffect(communeCode: string): ServedRecord[] {
    const records = this.all(communeCode);
    const corrected = new Set(
      records.filter((record) => record.correctsSeq !== null).map((record) => record.correctsSeq),
    );
    return records.filter((record) => !corrected.has(record.seq));
  }

  communes(): string[] {
    return [...this.byCommune.keys()].sort();
  }

  /** Aired airtime of a record: aired and partial count their playedMs; a play is an aired one. */
  static counted(record: ServedRecord): Sums {
    if (record.outcome === 'aired') return { airedMs: record.playedMs, plays: 1 };
    if (record.outcome === 'partial') return { airedMs: record.playedMs, plays: 0 };
    return { airedMs: 0, plays: 0 };
  }

  /** Sums over records in effect of the commune, started on local days in [from, to], on `topic`. */
  topicSums(communeCode: string, from: string, to: string, topic: string): Sums {
    return this.sum(communeCode, from, to, (record) => record.topics.includes(topic));
  }

  /** Campaign airtime: records carrying any of `topics`, each once. */
  campaignSums(communeCode: string, from: string, to: string, topics: readonly string[]): Sums {
    return this.sum(communeCode, from, to, (record) =>
      record.topics.some((topic) => topics.includes(topic)),
    );
  }

  private sum(
    communeCode: string,
    from: string,
    to: string,
    keep: (record: ServedRecord) => boolean,
  ): Sums {
    const sums = { airedMs: 0, plays: 0 };
    for (const record of this.inEffect(communeCode)) {
      const date = localDateOf(record.startedAt);
      if (date < from || date > to || !keep(record)) continue;
      const counted = AsRunModel.counted(record);
      sums.airedMs += counted.airedMs;
      sums.plays += counted.plays;
    }
    return sums;
  }

  /** Every (commune, local date, topic) with airtime or plays, as `commune|date|topic`. */
  dailyByTopic(): Map<string, Sums> {
    const sums = new Map<string, Sums>();
    for (const communeCode of this.communes()) {
      for (const record of this.inEffect(communeCode)) {
        const counted = AsRunModel.counted(record);
        if (counted.airedMs === 0 && counted.plays === 0) continue;
        for (const topic of new Set(record.topics)) {
          const key = `${communeCode}|${localDateOf(record.startedAt)}|${topic}`;
          const row = sums.get(key) ?? { airedMs: 0, plays: 0 };
          row.airedMs += counted.airedMs;
          row.plays += counted.plays;
          sums.set(key, row);
        }
      }
    }
    return sums;
  }
}
