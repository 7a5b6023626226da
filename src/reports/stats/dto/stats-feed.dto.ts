/**
 * The open statistics feed's schema (schemaVersion 1), documented in OpenAPI by these classes and
 * in docs/stats-feed.md. Fields are only ever added within a version; seconds carry milliseconds
 * as decimals, minutes one decimal, each named by its unit.
 */

export class StatsTopicDayDto {
  /** Topic code (`chinh-quyen-so`, `kinh-te-so`, …). */
  topic!: string;
  /** Minutes of this topic on the day's program log (items not cancelled), one decimal. */
  plannedMinutes!: number;
  /**
   * Seconds aired, exact to the millisecond, as the compliance report counts them: the as-run log's
   * records in effect (corrections applied), an `aired` record's and a `partial` one's played part.
   */
  airedSeconds!: number;
  /** `airedSeconds` as minutes, one decimal. */
  airedMinutes!: number;
  /** Complete broadcasts (`aired` records in effect), as the compliance report counts them. */
  plays!: number;
}

export class StatsBulletinsDto {
  /** Bulletin items on the day's program log (not cancelled; relays not counted). */
  planned!: number;
  /** As-run records in effect with outcome `aired`. */
  aired!: number;
  /** As-run records in effect with outcome `partial`. */
  partial!: number;
  /** As-run records in effect with outcome `failed`. */
  failed!: number;
  /** As-run records in effect with outcome `missed`. */
  missed!: number;
  /** Emergency items on the day's program log (Thông tư 39/2020: played at once). */
  emergencies!: number;
}

export class StatsCommuneDayDto {
  /** 5-digit commune code. */
  communeCode!: string;
  /** Local day (Asia/Ho_Chi_Minh), `YYYY-MM-DD`. */
  date!: string;
  bulletins!: StatsBulletinsDto;
  /** Topics planned, aired or played that day, in topic-code order. */
  topics!: StatsTopicDayDto[];
  /** Minutes of relay items (tiếp âm) on the day's program log, one decimal; 0 without relays. */
  relayMinutes!: number;
  /**
   * Clusters (IP receiver clusters of the commune) from which the server received a live status
   * (`online` or `playing`) at some time of the local day. A registered cluster sends one at least
   * every 60 s while connected, so this counts the clusters connected at any moment of the day.
   */
  clustersOnline!: number;
}

export class StatsFeedDto {
  /** 1 for this schema. */
  schemaVersion!: number;
  /** 2-digit province code. */
  provinceCode!: string;
  /** The commune of a commune's feed; null for a province's. */
  communeCode!: string | null;
  /** First local day of the range. */
  from!: string;
  /** Last local day of the range (inclusive). */
  to!: string;
  /** When this answer was built (ISO 8601, UTC). */
  generatedAt!: string;
  /**
   * One entry per commune and day with anything to count: an as-run record, a program-log item or
   * a cluster online. In the province's commune order (as `GET /communes?province=` lists them),
   * then by date.
   */
  days!: StatsCommuneDayDto[];
}
