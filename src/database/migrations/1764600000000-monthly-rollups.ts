import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../migration-helpers';

const KEY = (column: ReturnType<typeof col.varchar>) => ({ ...column, isPrimary: true });

interface CampaignRow {
  code: string;
  starts_on: string;
  ends_on: string;
  rules: string;
  min_daily_seconds: number | string;
}

/**
 * Coarser roll-ups for national-year reports: `airtime_monthly` (commune × topic × month) and
 * the per-campaign `campaign_airtime_daily` (campaign × commune × day of its window) and
 * `campaign_airtime_monthly` (with the days at the campaign's daily minimum). Backfilled here
 * from the daily roll-ups, as they stand, with the same sums the service keeps on append.
 */
export class MonthlyRollups1764600000000 implements MigrationInterface {
  name = 'MonthlyRollups1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'airtime_monthly',
        withoutRowid: true,
        columns: [
          KEY(col.varchar('commune_code', 5)),
          KEY(col.varchar('topic_code', 40)),
          KEY(col.varchar('month', 7)),
          col.bigint('aired_ms'),
          col.integer('plays'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'campaign_airtime_daily',
        withoutRowid: true,
        columns: [
          KEY(col.varchar('campaign_code', 40)),
          KEY(col.varchar('commune_code', 5)),
          KEY(col.localDate('local_date')),
          col.integer('aired_ms'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'campaign_airtime_monthly',
        withoutRowid: true,
        columns: [
          KEY(col.varchar('campaign_code', 40)),
          KEY(col.varchar('commune_code', 5)),
          KEY(col.varchar('month', 7)),
          col.bigint('aired_ms'),
          col.integer('days_at_minimum'),
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO airtime_monthly (commune_code, topic_code, month, aired_ms, plays)
       SELECT commune_code, topic_code, substr(local_date, 1, 7), SUM(aired_ms), SUM(plays)
         FROM airtime_daily GROUP BY commune_code, topic_code, substr(local_date, 1, 7)`,
    );
    const sqlite = queryRunner.connection.options.type === 'sqlite';
    const p = (n: number) => (sqlite ? '?' : `$${n}`);
    const allSets = (
      (await queryRunner.query('SELECT topic_set FROM airtime_topic_set')) as {
        topic_set: string;
      }[]
    ).map((row) => row.topic_set);
    const campaigns = (await queryRunner.query(
      'SELECT code, starts_on, ends_on, rules, min_daily_seconds FROM campaign',
    )) as CampaignRow[];
    for (const campaign of campaigns) {
      const topics = (JSON.parse(campaign.rules) as { topic: string }[]).map((rule) => rule.topic);
      const sets = allSets.filter((key) =>
        key.split('|').some((topic) => topic !== '' && topics.includes(topic)),
      );
      if (sets.length === 0) continue;
      await queryRunner.query(
        `INSERT INTO campaign_airtime_daily (campaign_code, commune_code, local_date, aired_ms)
         SELECT CAST(${p(1)} AS varchar(40)), commune_code, local_date, SUM(aired_ms)
           FROM airtime_daily_set
          WHERE local_date >= ${p(2)} AND local_date <= ${p(3)}
            AND topic_set ${sqlite ? `IN (${sets.map(() => '?').join(', ')})` : '= ANY($4)'}
          GROUP BY commune_code, local_date`,
        [campaign.code, campaign.starts_on, campaign.ends_on, ...(sqlite ? sets : [sets])],
      );
      await queryRunner.query(
        `INSERT INTO campaign_airtime_monthly
                (campaign_code, commune_code, month, aired_ms, days_at_minimum)
         SELECT campaign_code, commune_code, substr(local_date, 1, 7), SUM(aired_ms),
                SUM(CASE WHEN aired_ms >= ${p(1)} THEN 1 ELSE 0 END)
           FROM campaign_airtime_daily WHERE campaign_code = ${p(2)}
          GROUP BY campaign_code, commune_code, substr(local_date, 1, 7)`,
        [Number(campaign.min_daily_seconds) * 1000, campaign.code],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['campaign_airtime_monthly', 'campaign_airtime_daily', 'airtime_monthly']) {
      await queryRunner.dropTable(table);
    }
  }
}
