import { localDateOf } from '../common/local-time';
import {
  DEMO_BULLETINS,
  DEMO_COMMUNE_PROFILE,
  DEMO_HISTORY_ONLY,
  DEMO_WINDOWS,
  DemoTargets,
  HistoryBulletin,
  historyPeriods,
  historyRecords,
  roundsFor,
} from './demo-content';

const TARGETS: DemoTargets = {
  startsOn: '2025-10-01',
  endsOn: '2025-10-31',
  rules: ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so', 'mo-hinh-2-cap'].map((topic) => ({
    topic,
    minSecondsPerWeek: 600,
    minPlaysPerWeek: 7,
  })),
  minDailySeconds: 300,
};

/** Recordings of the lengths espeak-ng gives the letter's sentences (9–18 s). */
const BULLETINS: HistoryBulletin[] = DEMO_BULLETINS.map((bulletin, index) => ({
  id: `b${index}`,
  title: bulletin.title,
  topics: bulletin.topics,
  durationMs: 9000 + index * 1100,
}));

function history(profile = DEMO_COMMUNE_PROFILE, bulletins = BULLETINS) {
  const periods = historyPeriods(TARGETS);
  return historyRecords({
    bulletins,
    from: periods.baseline.from,
    to: periods.campaign.to,
    rounds: roundsFor(profile, TARGETS, bulletins),
    seed: 7,
  });
}

function airedSeconds(
  records: ReturnType<typeof history>,
  topic: string,
  from: string,
  to: string,
) {
  return records
    .filter((record) => record.topics.includes(topic))
    .filter((record) => {
      const date = localDateOf(record.startedAt);
      return date >= from && date <= to;
    })
    .reduce((sum, record) => sum + record.playedMs / 1000, 0);
}

describe('demo content', () => {
  it('takes every bulletin from the letter and covers each required topic twice', () => {
    for (const rule of TARGETS.rules) {
      expect(
        DEMO_BULLETINS.filter((bulletin) => bulletin.topics.includes(rule.topic)).length,
      ).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(DEMO_BULLETINS.map((bulletin) => bulletin.voice))).toEqual(
      new Set(['bac', 'trung', 'nam']),
    );
  });

  it('compares the campaign month with the same number of days just before it', () => {
    expect(historyPeriods(TARGETS)).toEqual({
      baseline: { from: '2025-08-31', to: '2025-09-30' },
      campaign: { from: '2025-10-01', to: '2025-10-31' },
    });
  });

  it('makes the same history for the same seed, in time order, each record inside a window, none overlapping', () => {
    const records = history();
    expect(history()).toEqual(records);
    expect(records.length).toBeGreaterThan(500);
    for (let index = 1; index < records.length; index += 1) {
      expect(records[index].startedAt.getTime()).toBeGreaterThanOrEqual(
        records[index - 1].endedAt.getTime(),
      );
    }
    for (const record of records) {
      const local = new Date(record.startedAt.getTime() + 7 * 3600_000);
      const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
      const day = local.getUTCDay() || 7;
      const window = DEMO_WINDOWS.find((candidate) => {
        const [hours, minutes] = candidate.startTime.split(':').map(Number);
        const start = hours * 60 + minutes;
        return (
          candidate.daysOfWeek.includes(day) &&
          minute >= start &&
          minute < start + candidate.durationMinutes
        );
      });
      expect(window).toBeDefined();
    }
  });

  it('records missed plays at their start with nothing played and a reason, partial ones half played', () => {
    const records = history();
    const missed = records.filter((record) => record.outcome === 'missed');
    const partial = records.filter((record) => record.outcome === 'partial');
    expect(missed.length).toBeGreaterThan(0);
    expect(partial.length).toBeGreaterThan(0);
    for (const record of missed) {
      expect(record).toMatchObject({ playedMs: 0, reason: expect.any(String) });
      expect(record.endedAt).toEqual(record.startedAt);
    }
    for (const record of partial) {
      expect(record.endedAt.getTime() - record.startedAt.getTime()).toBe(record.playedMs);
      expect(record.reason).toEqual(expect.any(String));
    }
  });

  it('puts Hạc Thành above target on three topics and short (but over half) on the 2-level model', () => {
    const records = history();
    const required = (600 * 31) / 7;
    for (const topic of ['chinh-quyen-so', 'kinh-te-so', 'xa-hoi-so']) {
      expect(airedSeconds(records, topic, '2025-10-01', '2025-10-31')).toBeGreaterThan(required);
    }
    const weak = airedSeconds(records, 'mo-hinh-2-cap', '2025-10-01', '2025-10-31');
    expect(weak).toBeLessThan(required);
    expect(weak).toBeGreaterThan(required / 2);
  });

  it('airs less before the campaign than during it, and nothing off the required topics', () => {
    const records = history();
    const before = airedSeconds(records, 'kinh-te-so', '2025-08-31', '2025-09-30');
    const during = airedSeconds(records, 'kinh-te-so', '2025-10-01', '2025-10-31');
    expect(before).toBeGreaterThan(0);
    expect(during).toBeGreaterThan(before * 1.5);
    const offTopic = BULLETINS.filter((bulletin) =>
      bulletin.topics.every((topic) => !TARGETS.rules.some((rule) => rule.topic === topic)),
    );
    expect(offTopic).toEqual([]);
  });

  it('keeps Hàm Rồng ahead and Mường Lát far behind, whatever the recordings last', () => {
    const required = (600 * 31) / 7;
    for (const scale of [0.6, 1, 1.8]) {
      const bulletins = BULLETINS.map((bulletin) => ({
        ...bulletin,
        durationMs: Math.round(bulletin.durationMs * scale),
      }));
      const [ahead, behind] = DEMO_HISTORY_ONLY.map((commune) =>
        history(commune.profile, bulletins),
      );
      for (const rule of TARGETS.rules) {
        expect(airedSeconds(ahead, rule.topic, '2025-10-01', '2025-10-31')).toBeGreaterThan(
          required,
        );
        expect(airedSeconds(behind, rule.topic, '2025-10-01', '2025-10-31')).toBeLessThan(
          required / 2,
        );
      }
    }
  });
});
