/**
 * Bulletins that share a title: found as the server compares names, and told apart where a list
 * offers them to pick. No DOM, so that the unit tests read it.
 */

import { formatDateTime, formatDurationMs } from './format.js';

/**
 * A name as the server compares names (src/common/text.ts `nameKey`): trimmed, runs of spaces as
 * one, NFC, lower case in Vietnamese.
 */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').normalize('NFC').toLocaleLowerCase('vi');
}

interface Titled {
  id: string;
  title: string;
  status?: string;
  durationMs: number | null;
  createdAt: string;
}

/** The bulletins not archived whose title reads as `title` does, `exceptId` aside (the one edited). */
export function sameTitled<T extends Titled>(
  bulletins: readonly T[],
  title: string,
  exceptId?: string,
): T[] {
  const key = nameKey(title);
  return bulletins.filter(
    (bulletin) =>
      bulletin.id !== exceptId && bulletin.status !== 'archived' && nameKey(bulletin.title) === key,
  );
}

/**
 * How a list offers a bulletin: `Title (30 giây)`, and when another of the list shares its title,
 * when it was made too: `Title (30 giây, tạo 06/10/2025 05:30)`.
 */
export function bulletinChoiceLabel<T extends Titled>(bulletin: T, all: readonly T[]): string {
  const duration = formatDurationMs(bulletin.durationMs);
  const twin = sameTitled(all, bulletin.title, bulletin.id).length > 0;
  return twin
    ? `${bulletin.title} (${duration}, tạo ${formatDateTime(bulletin.createdAt)})`
    : `${bulletin.title} (${duration})`;
}
