import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../migration-helpers';

/** Ids per `IN (…)` update. */
const CHUNK = 500;

/**
 * A program-log item keeps its own history:
 * - `title`, `priority` and (for a bulletin item) `topics`: copies of its bulletin, which follow
 *   the bulletin only while the item is open and ahead. Until now an item showed its bulletin as
 *   it is today, so an edit of the bulletin rewrote the items that had aired or been cancelled.
 *   Existing items take their bulletin's current values: the best known (the earlier ones were
 *   not kept).
 * - `revision`: how many times the item was moved or taken off the log, the calendar feed's
 *   SEQUENCE. Existing items count their moves in the audit trail (by hand, or by a window
 *   change) and one for a cancellation.
 */
export class ScheduleItemHistory1765000003473 implements MigrationInterface {
  name = 'ScheduleItemHistory1765000003473';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('schedule_item', [
      new TableColumn(col.varchar('title', 200, true)),
      new TableColumn(col.varchar('priority', 12, true)),
      new TableColumn(col.integer('revision', false, 0)),
    ]);
    await queryRunner.query(
      'UPDATE schedule_item SET ' +
        'title = (SELECT b.title FROM bulletin b WHERE b.id = schedule_item.bulletin_id), ' +
        'priority = (SELECT b.priority FROM bulletin b WHERE b.id = schedule_item.bulletin_id) ' +
        'WHERE bulletin_id IS NOT NULL',
    );
    await this.copyBulletinTopics(queryRunner);
    await this.countRevisions(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A bulletin item's topics were its bulletin's, not its own, before.
    await queryRunner.query('UPDATE schedule_item SET topics = NULL WHERE bulletin_id IS NOT NULL');
    await queryRunner.dropColumn('schedule_item', 'revision');
    await queryRunner.dropColumn('schedule_item', 'priority');
    await queryRunner.dropColumn('schedule_item', 'title');
  }

  /** Every bulletin item's topics: its bulletin's codes, sorted, as simple-json writes them. */
  private async copyBulletinTopics(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      'SELECT DISTINCT i.bulletin_id AS bulletin_id, t.topic_code AS topic_code ' +
        'FROM schedule_item i LEFT JOIN bulletin_topic t ON t.bulletin_id = i.bulletin_id ' +
        'WHERE i.bulletin_id IS NOT NULL',
    )) as { bulletin_id: string; topic_code: string | null }[];
    const topics = new Map<string, string[]>();
    for (const row of rows) {
      const list = topics.get(row.bulletin_id) ?? [];
      if (row.topic_code !== null) list.push(row.topic_code);
      topics.set(row.bulletin_id, list);
    }
    const [first, second] = placeholders(queryRunner, 2);
    for (const [bulletinId, codes] of topics) {
      await queryRunner.query(
        `UPDATE schedule_item SET topics = ${first} WHERE bulletin_id = ${second}`,
        [JSON.stringify(codes.sort()), bulletinId],
      );
    }
  }

  private async countRevisions(queryRunner: QueryRunner): Promise<void> {
    const moves = new Map<string, number>();
    const counted = (await queryRunner.query(
      "SELECT target_id, COUNT(*) AS moves FROM audit_event WHERE action = 'schedule.moved' " +
        "AND target_type = 'schedule_item' AND target_id IS NOT NULL GROUP BY target_id",
    )) as { target_id: string; moves: number | string }[];
    for (const row of counted) moves.set(row.target_id, Number(row.moves));
    // A window's change moves its items in one event that lists them.
    const byWindow = (await queryRunner.query(
      "SELECT detail FROM audit_event WHERE action = 'schedule.moved' AND target_type = 'window'",
    )) as { detail: string | null }[];
    for (const { detail } of byWindow) {
      for (const id of movedItemIds(detail)) moves.set(id, (moves.get(id) ?? 0) + 1);
    }
    const byCount = new Map<number, string[]>();
    for (const [id, count] of moves) byCount.set(count, [...(byCount.get(count) ?? []), id]);
    for (const [count, ids] of byCount) {
      for (let index = 0; index < ids.length; index += CHUNK) {
        const chunk = ids.slice(index, index + CHUNK);
        const [revision, ...inIds] = placeholders(queryRunner, chunk.length + 1);
        await queryRunner.query(
          `UPDATE schedule_item SET revision = ${revision} WHERE id IN (${inIds.join(', ')})`,
          [count, ...chunk],
        );
      }
    }
    await queryRunner.query(
      "UPDATE schedule_item SET revision = revision + 1 WHERE status = 'cancelled'",
    );
  }
}

/** `count` bound parameters as the driver writes them: `?` (SQLite) or `$1…` (PostgreSQL). */
function placeholders(queryRunner: QueryRunner, count: number): string[] {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  return Array.from({ length: count }, (_, index) => (postgres ? `$${index + 1}` : '?'));
}

/** The item ids a window's `schedule.moved` event lists (`{items: [{id, from, to}]}`). */
function movedItemIds(detail: string | null): string[] {
  try {
    const parsed = JSON.parse(detail ?? 'null') as { items?: unknown } | null;
    if (!Array.isArray(parsed?.items)) return [];
    return parsed.items.flatMap((item: unknown) =>
      typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string'
        ? [(item as { id: string }).id]
        : [],
    );
  } catch {
    return [];
  }
}
