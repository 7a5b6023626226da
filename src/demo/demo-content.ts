import { CampaignRule } from '../campaigns/entities/campaign.entity';
import { addDays, eachDate, localDateTime } from '../common/local-time';

/**
 * What `npm run demo` puts in the database: Phường Hạc Thành (Thanh Hóa) with on-air windows,
 * bulletins read from the sentences of the provincial letter (cong-van-so-khcn-thanh-hoa-2025)
 * on each required topic of cds-2025, a planned week, and the as-run history of the campaign
 * (with the month before it, for the uplift). Two more communes of the province get an as-run
 * history only, one ahead of the targets and one far behind, so the province grid shows both.
 */
export const DEMO_COMMUNE = '14797';
export const DEMO_CAMPAIGN = 'cds-2025';

export interface DemoWindow {
  name: string;
  startTime: string;
  durationMinutes: number;
  daysOfWeek: number[];
}

export const DEMO_WINDOWS: readonly DemoWindow[] = [
  { name: 'Sáng', startTime: '05:30', durationMinutes: 45, daysOfWeek: [1, 2, 3, 4, 5, 6, 7] },
  { name: 'Trưa', startTime: '11:00', durationMinutes: 30, daysOfWeek: [1, 2, 3, 4, 5] },
  { name: 'Chiều', startTime: '17:00', durationMinutes: 45, daysOfWeek: [1, 2, 3, 4, 5, 6, 7] },
];

export interface DemoBulletin {
  title: string;
  /** A sentence of the provincial letter, read by the text-to-speech engine. */
  text: string;
  topics: string[];
  voice: 'bac' | 'trung' | 'nam';
}

/** Two bulletins on each required topic, and the message of the national day. */
export const DEMO_BULLETINS: readonly DemoBulletin[] = [
  {
    title: 'Chuyển đổi số toàn diện, toàn trình trong quản lý nhà nước',
    text: 'Lựa chọn tối thiểu 03 lĩnh vực quản lý nhà nước của mình để thực hiện chuyển đổi số toàn diện, toàn trình; ứng dụng mạnh mẽ trí tuệ nhân tạo trong quản lý và phục vụ người dân, doanh nghiệp.',
    topics: ['chinh-quyen-so'],
    voice: 'bac',
  },
  {
    title: 'Xây dựng chính quyền điện tử, chuyển đổi số trong từng ngành',
    text: 'Cập nhật thường xuyên, tăng cường số lượng tin, bài phản ánh việc thực hiện xây dựng chính quyền điện tử, chuyển đổi số trong từng ngành, từng lĩnh vực của tỉnh; phát triển khoa học công nghệ tại các địa phương trong tỉnh.',
    topics: ['chinh-quyen-so'],
    voice: 'trung',
  },
  {
    title: 'Chuyển đổi số toàn dân, toàn diện, toàn trình',
    text: 'Với chủ đề chuyển đổi số năm 2025 là “Chuyển đổi số toàn dân, toàn diện, toàn trình để tăng tốc, bứt phá phát triển kinh tế số”, tiếp tục phát huy tinh thần hưởng ứng Ngày Chuyển đổi số quốc gia hằng năm.',
    topics: ['kinh-te-so'],
    voice: 'nam',
  },
  {
    title: 'Nhiệm vụ trọng tâm của chuyển đổi số',
    text: 'Tập trung tuyên truyền mục tiêu và các nhiệm vụ trọng tâm của chuyển đổi số, trong đó nổi bật là các nhiệm vụ phát triển chính quyền số, nhiệm vụ phát triển kinh tế số, nhiệm vụ phát triển xã hội số.',
    topics: ['kinh-te-so', 'xa-hoi-so'],
    voice: 'bac',
  },
  {
    title: 'Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân kỹ năng số',
    text: 'Triển khai Chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân kỹ năng số, sử dụng các dịch vụ số” thông qua hoạt động của Tổ công nghệ số cộng đồng tại địa phương.',
    topics: ['xa-hoi-so', 'hoc-tap-so'],
    voice: 'trung',
  },
  {
    title: 'Ngày hội toàn dân học tập số',
    text: 'Tuyên truyền, hưởng ứng và triển khai sâu rộng “Ngày hội toàn dân học tập số” vào ngày 10/10, kết hợp các hoạt động trải nghiệm, hướng dẫn sử dụng các nền tảng, dịch vụ số, lớp học số cho cộng đồng.',
    topics: ['xa-hoi-so', 'hoc-tap-so'],
    voice: 'nam',
  },
  {
    title: 'Chuyển đổi số gắn với mô hình chính quyền 02 cấp',
    text: 'Tuyên truyền các mô hình, bài học, cách làm hay, sáng tạo trong chuyển đổi số gắn với phân cấp, phân quyền và triển khai mô hình chính quyền 02 cấp.',
    topics: ['mo-hinh-2-cap'],
    voice: 'bac',
  },
  {
    title: 'Chủ trương, chính sách về chuyển đổi số',
    text: 'Các quan điểm chủ trương của Đảng, chính sách pháp luật của Nhà nước về chuyển đổi số và kết quả thực hiện ứng dụng công nghệ thông tin xây dựng chính quyền số, chuyển đổi số gắn với phân cấp, phân quyền và triển khai mô hình chính quyền 02 cấp.',
    topics: ['mo-hinh-2-cap', 'chu-truong-chinh-sach'],
    voice: 'trung',
  },
  {
    title: 'Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn',
    text: 'Chủ đề của Ngày Chuyển đổi số quốc gia năm 2025 là “Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn”. Chỉ đạo Trung tâm cung ứng dịch vụ công tăng cường thời lượng nội dung tin bài tuyên truyền về ngày chuyển đổi số quốc gia trên đài truyền thanh cơ sở của địa phương.',
    topics: ['ngay-cds-quoc-gia', 'chinh-quyen-so'],
    voice: 'nam',
  },
];

/** A recording as the history uses it. */
export interface HistoryBulletin {
  id: string | null;
  title: string;
  topics: readonly string[];
  durationMs: number;
}

/** One as-run record of the history, before it is numbered and hashed. */
export interface HistoryRecord {
  bulletinId: string | null;
  title: string;
  topics: readonly string[];
  startedAt: Date;
  endedAt: Date;
  playedMs: number;
  outcome: 'aired' | 'partial' | 'missed';
  reason: string | null;
}

/**
 * How a commune aired, as a share of the campaign's targets (1 = exactly on target), so the
 * history meets or misses them whatever the length of the synthesized recordings.
 */
export interface AiringProfile {
  /** Share of each daily target aired during the campaign. */
  campaignRatio: number;
  /** Share of the targets the commune aired before the campaign (the uplift's baseline). */
  baselineRatio: number;
  /** From this day of the campaign, this topic only gets this share of its target. */
  weakTopic?: { topic: string; fromDay: number; ratio: number };
}

/** The campaign's targets as the history needs them. */
export interface DemoTargets {
  startsOn: string;
  endsOn: string;
  rules: readonly CampaignRule[];
  minDailySeconds: number;
}

/** Gap between two items of the history, well above SCHEDULE_GAP_SECONDS. */
const GAP_MS = 5000;

/** A small deterministic generator (mulberry32), so every run makes the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function windowsOn(date: string): DemoWindow[] {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  return DEMO_WINDOWS.filter((window) => window.daysOfWeek.includes(day));
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * The as-run history of a commune from `from` to `to` (local days): every day, each bulletin
 * plays `rounds` times, spread over the day's windows, back to back with a short gap; about one
 * play in forty was missed (a power cut) and one in sixty cut short. Deterministic for a seed.
 */
export function historyRecords(input: {
  bulletins: readonly HistoryBulletin[];
  from: string;
  to: string;
  rounds: (date: string, bulletin: HistoryBulletin) => number;
  seed: number;
}): HistoryRecord[] {
  const next = random(input.seed);
  const records: HistoryRecord[] = [];
  for (const date of eachDate(input.from, input.to)) {
    const windows = windowsOn(date);
    const plays = input.bulletins.flatMap((bulletin) =>
      Array.from({ length: Math.max(0, input.rounds(date, bulletin)) }, () => bulletin),
    );
    plays.forEach((bulletin, index) => {
      const window = windows[index % windows.length];
      // Items of one window follow each other; each window holds its share of the plays.
      const before = plays
        .slice(0, index)
        .filter((_, earlier) => earlier % windows.length === index % windows.length);
      const offsetMs = before.reduce((sum, earlier) => sum + earlier.durationMs + GAP_MS, 0);
      const windowEndMs = window.durationMinutes * 60_000;
      if (offsetMs + bulletin.durationMs > windowEndMs) return;
      const startedAt = localDateTime(date, minutesOf(window.startTime));
      startedAt.setTime(startedAt.getTime() + offsetMs);
      const roll = next();
      const outcome = roll < 0.025 ? 'missed' : roll < 0.042 ? 'partial' : 'aired';
      const playedMs =
        outcome === 'missed'
          ? 0
          : outcome === 'partial'
            ? Math.round(bulletin.durationMs * 0.5)
            : bulletin.durationMs;
      records.push({
        bulletinId: bulletin.id,
        title: bulletin.title,
        topics: bulletin.topics,
        startedAt,
        endedAt: new Date(startedAt.getTime() + playedMs),
        playedMs,
        outcome,
        reason:
          outcome === 'missed'
            ? 'Mất điện, không phát được'
            : outcome === 'partial'
              ? 'Loa khu phố mất tín hiệu giữa chừng'
              : null,
      });
    });
  }
  return records.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}

/** The campaign month and the same number of days before it (the uplift's baseline). */
export function historyPeriods(campaign: { startsOn: string; endsOn: string }): {
  baseline: { from: string; to: string };
  campaign: { from: string; to: string };
} {
  const days = eachDate(campaign.startsOn, campaign.endsOn).length;
  return {
    baseline: { from: addDays(campaign.startsOn, -days), to: addDays(campaign.startsOn, -1) },
    campaign: { from: campaign.startsOn, to: campaign.endsOn },
  };
}

/** Seconds and plays one round (each bulletin once) gives a topic. */
function perRound(bulletins: readonly HistoryBulletin[], topic: string | null) {
  const tagged = bulletins.filter((bulletin) => topic === null || bulletin.topics.includes(topic));
  return {
    seconds: tagged.reduce((sum, bulletin) => sum + bulletin.durationMs / 1000, 0),
    plays: tagged.length,
  };
}

/** Rounds a day (a fraction) that reach `ratio` of a rule's daily share (weekly targets / 7). */
function roundsForRule(
  bulletins: readonly HistoryBulletin[],
  rule: CampaignRule,
  ratio: number,
): number {
  const { seconds, plays } = perRound(bulletins, rule.topic);
  if (plays === 0) return 0;
  const bySeconds = (ratio * (rule.minSecondsPerWeek ?? 0)) / 7 / Math.max(seconds, 0.001);
  const byPlays = (ratio * (rule.minPlaysPerWeek ?? 0)) / 7 / plays;
  return Math.max(bySeconds, byPlays);
}

/** Spreads a fractional number of plays a day over days: on average exactly `perDay`. */
function playsOnDay(perDay: number, dayIndex: number): number {
  return Math.floor((dayIndex + 1) * perDay) - Math.floor(dayIndex * perDay);
}

/**
 * Plays a day of each bulletin under a profile: during the campaign, enough rounds for every rule
 * and the daily minimum at the profile's ratio (the weak topic's bulletins at its own ratio from
 * its day on); before it, the baseline's share. Fractions of a round are spread over the days.
 */
export function roundsFor(
  profile: AiringProfile,
  targets: DemoTargets,
  bulletins: readonly HistoryBulletin[],
): (date: string, bulletin: HistoryBulletin) => number {
  const required = targets.rules.map((rule) => rule.topic);
  const daily = perRound(bulletins, null).seconds;
  const base = Math.max(
    ...targets.rules.map((rule) => roundsForRule(bulletins, rule, profile.campaignRatio)),
    (profile.campaignRatio * targets.minDailySeconds) / Math.max(daily, 0.001),
  );
  const baseline = (base * profile.baselineRatio) / profile.campaignRatio;
  const weak = profile.weakTopic;
  const weakRule = weak ? targets.rules.find((rule) => rule.topic === weak.topic) : undefined;
  const weakRounds =
    weak && weakRule ? Math.min(base, roundsForRule(bulletins, weakRule, weak.ratio)) : base;
  const baselineStart = historyPeriods(targets).baseline.from;
  return (date, bulletin) => {
    if (date < targets.startsOn) {
      // Before the campaign the commune aired digital-transformation news, less of it.
      if (!bulletin.topics.some((topic) => required.includes(topic))) return 0;
      return playsOnDay(baseline, eachDate(baselineStart, date).length - 1);
    }
    const dayIndex = eachDate(targets.startsOn, date).length - 1;
    if (weak && dayIndex + 1 >= weak.fromDay && bulletin.topics.includes(weak.topic)) {
      return playsOnDay(weakRounds, dayIndex);
    }
    return playsOnDay(base, dayIndex);
  };
}

/** Communes that only get an as-run history (title-only records, as imported from elsewhere). */
export const DEMO_HISTORY_ONLY: readonly { code: string; profile: AiringProfile }[] = [
  // Phường Hàm Rồng: ahead of every target.
  { code: '14758', profile: { campaignRatio: 1.5, baselineRatio: 0.7 } },
  // Xã Mường Lát: a mountain commune far behind.
  { code: '14845', profile: { campaignRatio: 0.3, baselineRatio: 0.2 } },
];

/** Hạc Thành: on target, except the 2-level model topic in the second half of the month. */
export const DEMO_COMMUNE_PROFILE: AiringProfile = {
  campaignRatio: 1.15,
  baselineRatio: 0.5,
  weakTopic: { topic: 'mo-hinh-2-cap', fromDay: 8, ratio: 0.6 },
};
