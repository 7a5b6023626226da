import { Airtime, msToSeconds } from './airtime';
import { AirtimeTable, airtimeAt, NamedCommune } from './compliance';
import { UpliftRow, UpliftTopicRow, UpliftTotals } from './report.view';

export { UpliftRow, UpliftTopicRow, UpliftTotals };

export function changePercent(currentMs: number, baselineMs: number): number | null {
  if (baselineMs === 0) return null;
  return Math.round(((currentMs - baselineMs) / baselineMs) * 1000) / 10;
}

function upliftOf(commune: NamedCommune, currentMs: number, baselineMs: number): UpliftRow {
  return {
    communeCode: commune.code,
    communeName: commune.name,
    airedSeconds: msToSeconds(currentMs),
    baselineSeconds: msToSeconds(baselineMs),
    changeSeconds: msToSeconds(currentMs - baselineMs),
    changePercent: changePercent(currentMs, baselineMs),
  };
}

/** One row per commune, from its campaign airtime (ms) in each period. */
export function upliftRows(
  communes: readonly NamedCommune[],
  current: ReadonlyMap<string, number>,
  baseline: ReadonlyMap<string, number>,
): UpliftRow[] {
  return communes.map((commune) =>
    upliftOf(commune, current.get(commune.code) ?? 0, baseline.get(commune.code) ?? 0),
  );
}

/** One row per commune × campaign topic. */
export function upliftTopicRows(
  communes: readonly NamedCommune[],
  topics: readonly string[],
  current: AirtimeTable,
  baseline: AirtimeTable,
): UpliftTopicRow[] {
  return communes.flatMap((commune) =>
    topics.map((topic): UpliftTopicRow => {
      const now: Airtime = airtimeAt(current, commune.code, topic);
      const before: Airtime = airtimeAt(baseline, commune.code, topic);
      return {
        ...upliftOf(commune, now.airedMs, before.airedMs),
        topic,
        plays: now.plays,
        baselinePlays: before.plays,
      };
    }),
  );
}

export function upliftTotals(
  rows: readonly UpliftRow[],
  current: ReadonlyMap<string, number>,
  baseline: ReadonlyMap<string, number>,
): UpliftTotals {
  const sum = (values: ReadonlyMap<string, number>): number =>
    rows.reduce((total, row) => total + (values.get(row.communeCode) ?? 0), 0);
  const currentMs = sum(current);
  const baselineMs = sum(baseline);
  return {
    airedSeconds: msToSeconds(currentMs),
    baselineSeconds: msToSeconds(baselineMs),
    changeSeconds: msToSeconds(currentMs - baselineMs),
    changePercent: changePercent(currentMs, baselineMs),
    communesUp: rows.filter((row) => row.changeSeconds > 0).length,
    communesDown: rows.filter((row) => row.changeSeconds < 0).length,
    communesUnchanged: rows.filter((row) => row.changeSeconds === 0).length,
  };
}
