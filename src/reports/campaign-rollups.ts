import { EntityManager } from 'typeorm';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { insertRows, selectRows, settleAll } from '../database/bulk-insert';
import { topicsOfSet } from './airtime';
import { CampaignAirtimeDaily, CampaignAirtimeMonthly } from './entities/campaign-airtime.entity';
import { AirtimeTopicSet } from './entities/airtime-daily.entity';
import { monthOf } from './report-range';

/**
 * The per-campaign roll-ups (`campaign_airtime_daily`, `campaign_airtime_monthly`): a
 * campaign's airtime per commune and day of its window, and per month with the days at its
 * daily minimum. Appends change them through `CampaignDelta` (in `RollupDelta.write`); a change
 * to a campaign's window, topics or minimum rebuilds its rows from `airtime_daily_set`.
 *
 * On PostgreSQL, appends hold a shared transaction lock while they read the campaigns and write,
 * and a rebuild holds it exclusively: a rebuild waits for the appends in flight and reads their
 * set rows; appends after it wait and read the new window. SQLite runs one write at a time.
 */

/** `pg_advisory_xact_lock` key of the campaign roll-ups ("LoaX" + 1). */
const CAMPAIGN_ROLLUP_LOCK = 0x4c6f6158 + 1;
const CHUNK = 400;

export type CampaignScope = Pick<
  Campaign,
  'code' | 'startsOn' | 'endsOn' | 'rules' | 'minDailySeconds'
>;

function isSqlite(manager: EntityManager): boolean {
  return manager.connection.options.type === 'sqlite';
}

function topicsOfCampaign(campaign: CampaignScope): string[] {
  return campaign.rules.map((rule) => rule.topic);
}

/** Whether a topic set (`|a|b|`) carries any of the campaign's topics. */
export function carriesAny(topicSet: string, topics: readonly string[]): boolean {
  return topicsOfSet(topicSet).some((topic) => topics.includes(topic));
}

/** The campaigns, read under the shared lock, for an append's roll-up. */
export async function campaignsForAppend(manager: EntityManager): Promise<CampaignScope[]> {
  if (!isSqlite(manager)) {
    await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [CAMPAIGN_ROLLUP_LOCK]);
  }
  // Plain SQL: every append reads them, and building entities cost more than the query.
  const rows = await selectRows<CampaignRow>(
    manager,
    'SELECT code, starts_on AS "startsOn", ends_on AS "endsOn", rules, ' +
      'min_daily_seconds AS "minDailySeconds" FROM campaign',
    [],
  );
  return rows.map((row) => ({
    code: row.code,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    rules: JSON.parse(row.rules) as Campaign['rules'],
    minDailySeconds: Number(row.minDailySeconds),
  }));
}

/** A `campaign` row as `campaignsForAppend` reads it (PostgreSQL may give numbers as strings). */
interface CampaignRow {
  code: string;
  startsOn: string;
  endsOn: string;
  rules: string;
  minDailySeconds: number | string;
}

interface DayChange {
  campaignCode: string;
  communeCode: string;
  localDate: string;
  airedMs: number;
}

/** Changes to the per-campaign rows from set roll-up changes, written after the day rows. */
export class CampaignDelta {
  private readonly days = new Map<string, DayChange>();
  private readonly topics: Map<string, string[]>;

  constructor(private readonly campaigns: readonly CampaignScope[]) {
    this.topics = new Map(campaigns.map((campaign) => [campaign.code, topicsOfCampaign(campaign)]));
  }

  /**
   * A change written to a set roll-up row. Every such row touches the day of each campaign
   * whose window holds the date and whose topics it carries, even when the day's sum nets to
   * zero, so a day row exists exactly when the set rows it sums do.
   */
  addSet(communeCode: string, localDate: string, topicSet: string, airedMs: number): void {
    for (const campaign of this.campaigns) {
      if (localDate < campaign.startsOn || localDate > campaign.endsOn) continue;
      if (!carriesAny(topicSet, this.topics.get(campaign.code) ?? [])) continue;
      const id = `${campaign.code}\n${communeCode}\n${localDate}`;
      const day = this.days.get(id);
      if (day) day.airedMs += airedMs;
      else this.days.set(id, { campaignCode: campaign.code, communeCode, localDate, airedMs });
    }
  }

  async write(manager: EntityManager): Promise<void> {
    if (this.days.size === 0) return;
    const minimum = new Map(
      this.campaigns.map((campaign) => [campaign.code, campaign.minDailySeconds * 1000]),
    );
    const before = await this.currentDays(manager);
    const months = new Map<string, CampaignAirtimeMonthly>();
    for (const [id, day] of this.days) {
      const minDailyMs = minimum.get(day.campaignCode) ?? 0;
      const old = before.get(id);
      const wasAtMinimum = old !== undefined && old >= minDailyMs ? 1 : 0;
      const isAtMinimum = (old ?? 0) + day.airedMs >= minDailyMs ? 1 : 0;
      const month = monthOf(day.localDate);
      const key = `${day.campaignCode}\n${day.communeCode}\n${month}`;
      const row = months.get(key);
      if (row) {
        row.airedMs += day.airedMs;
        row.daysAtMinimum += isAtMinimum - wasAtMinimum;
      } else {
        months.set(key, {
          campaignCode: day.campaignCode,
          communeCode: day.communeCode,
          month,
          airedMs: day.airedMs,
          daysAtMinimum: isAtMinimum - wasAtMinimum,
        });
      }
    }
    await settleAll([
      insertRows(
        manager,
        'campaign_airtime_daily',
        ['campaign_code', 'commune_code', 'local_date', 'aired_ms'],
        [...this.days.values()].map((day) => [
          day.campaignCode,
          day.communeCode,
          day.localDate,
          day.airedMs,
        ]),
        '(campaign_code, commune_code, local_date) DO UPDATE SET ' +
          'aired_ms = campaign_airtime_daily.aired_ms + EXCLUDED.aired_ms',
      ),
      insertRows(
        manager,
        'campaign_airtime_monthly',
        ['campaign_code', 'commune_code', 'month', 'aired_ms', 'days_at_minimum'],
        [...months.values()].map((row) => [
          row.campaignCode,
          row.communeCode,
          row.month,
          row.airedMs,
          row.daysAtMinimum,
        ]),
        '(campaign_code, commune_code, month) DO UPDATE SET ' +
          'aired_ms = campaign_airtime_monthly.aired_ms + EXCLUDED.aired_ms, ' +
          'days_at_minimum = campaign_airtime_monthly.days_at_minimum + EXCLUDED.days_at_minimum',
      ),
    ]);
  }

  /**
   * The day rows the change touches, as they are now (absent: no row yet). One plain query per
   * CHUNK days whatever the communes: a group of single posts touches a day of each of many
   * communes, and a query per commune was most of the reading of each post (bench/posts.bench.ts).
   * It asks for every campaign × commune × date of the chunk and keeps the days asked for.
   */
  private async currentDays(manager: EntityManager): Promise<Map<string, number>> {
    const days = [...this.days.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const found = new Map<string, number>();
    for (let start = 0; start < days.length; start += CHUNK) {
      const chunk = days.slice(start, start + CHUNK);
      const campaigns = [...new Set(chunk.map(([, day]) => day.campaignCode))];
      const communes = [...new Set(chunk.map(([, day]) => day.communeCode))];
      const dates = [...new Set(chunk.map(([, day]) => day.localDate))];
      const marks = (values: readonly string[]) => values.map(() => '?').join(', ');
      const rows = await selectRows<DayRow>(
        manager,
        'SELECT campaign_code, commune_code, local_date, aired_ms FROM campaign_airtime_daily ' +
          `WHERE campaign_code IN (${marks(campaigns)}) AND commune_code IN (${marks(communes)}) ` +
          `AND local_date IN (${marks(dates)})`,
        [...campaigns, ...communes, ...dates],
      );
      for (const row of rows) {
        const id = `${row.campaign_code}\n${row.commune_code}\n${row.local_date}`;
        if (this.days.has(id)) found.set(id, Number(row.aired_ms));
      }
    }
    return found;
  }
}

interface DayRow {
  campaign_code: string;
  commune_code: string;
  local_date: string;
  aired_ms: number | string;
}

/** Whether a campaign edit changes what its roll-ups hold. */
export function changesCampaignRollups(before: CampaignScope, after: CampaignScope): boolean {
  return (
    before.startsOn !== after.startsOn ||
    before.endsOn !== after.endsOn ||
    before.minDailySeconds !== after.minDailySeconds ||
    topicsOfCampaign(before).sort().join('|') !== topicsOfCampaign(after).sort().join('|')
  );
}

/**
 * Recomputes a campaign's rows from `airtime_daily_set` (two INSERT … SELECT), in the caller's
 * transaction, after the caller saved the campaign.
 */
export async function rebuildCampaignRollups(
  manager: EntityManager,
  campaign: CampaignScope,
): Promise<void> {
  const sqlite = isSqlite(manager);
  if (!sqlite) {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [CAMPAIGN_ROLLUP_LOCK]);
  }
  await manager.delete(CampaignAirtimeMonthly, { campaignCode: campaign.code });
  await manager.delete(CampaignAirtimeDaily, { campaignCode: campaign.code });
  const topics = topicsOfCampaign(campaign);
  const sets = (await manager.find(AirtimeTopicSet))
    .map((row) => row.topicSet)
    .filter((key) => carriesAny(key, topics));
  if (sets.length === 0) return;
  const p = (n: number) => (sqlite ? '?' : `$${n}`);
  const setsIn = sqlite ? `IN (${sets.map(() => '?').join(', ')})` : '= ANY($4)';
  await manager.query(
    `INSERT INTO campaign_airtime_daily (campaign_code, commune_code, local_date, aired_ms)
     SELECT CAST(${p(1)} AS varchar(40)), commune_code, local_date, SUM(aired_ms)
       FROM airtime_daily_set
      WHERE local_date >= ${p(2)} AND local_date <= ${p(3)} AND topic_set ${setsIn}
      GROUP BY commune_code, local_date`,
    [campaign.code, campaign.startsOn, campaign.endsOn, ...(sqlite ? sets : [sets])],
  );
  await manager.query(
    `INSERT INTO campaign_airtime_monthly
            (campaign_code, commune_code, month, aired_ms, days_at_minimum)
     SELECT campaign_code, commune_code, substr(local_date, 1, 7), SUM(aired_ms),
            SUM(CASE WHEN aired_ms >= ${p(1)} THEN 1 ELSE 0 END)
       FROM campaign_airtime_daily WHERE campaign_code = ${p(2)}
      GROUP BY campaign_code, commune_code, substr(local_date, 1, 7)`,
    [campaign.minDailySeconds * 1000, campaign.code],
  );
}
