import { viNumber } from '../common/vi-number';
import type { ReceiptSegment } from '../fleet/protocol';

const msOf = (segment: ReceiptSegment): number =>
  Date.parse(segment.endedAt) - Date.parse(segment.startedAt);

/**
 * A relay receipt's `reason`: what the player said (a stop, an error), and when the streams
 * failed, how long the fallback bulletin and silence stood in (people read it; the segments
 * hold the detail). Null when the streams carried the whole relay.
 */
export function relayReceiptNote(
  reason: string | null,
  segments: readonly ReceiptSegment[],
): string | null {
  const seconds = (match: (segment: ReceiptSegment) => boolean): number =>
    Math.round(segments.filter(match).reduce((sum, segment) => sum + msOf(segment), 0) / 1000);
  const fallback = seconds((segment) => segment.bulletinId !== undefined);
  const silence = seconds((segment) => segment.silence === true);
  const notes: string[] = [];
  if (reason) notes.push(reason);
  if (fallback > 0) {
    notes.push(`Luồng tiếp âm không nhận được: phát bản tin dự phòng ${viNumber(fallback)} giây`);
  }
  // A switch's second of silence is not worth a note; a relay gone silent is.
  if (silence >= 5) notes.push(`${viNumber(silence)} giây im lặng (mọi luồng đều hỏng)`);
  return notes.length > 0 ? notes.join('. ').slice(0, 500) : null;
}
