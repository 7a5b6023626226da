/** What an edit changed, field by field, as the audit trail keeps it. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

function comparable(value: unknown): string {
  return JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));
}

/**
 * The fields among `fields` whose value differs between `before` and `after`, each with its old
 * and new value (`{minDailySeconds: {from: 300, to: 60}}`): an audit entry that says what an edit
 * did, not merely which fields a request named. Values compare by their JSON (rules, day lists).
 */
export function changedFields<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    if (comparable(before[field]) === comparable(after[field])) continue;
    changes[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return changes;
}
