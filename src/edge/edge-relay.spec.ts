import type { ReceiptSegment } from '../fleet/protocol';
import { relayReceiptNote } from './edge-relay';

const START = Date.parse('2026-12-03T06:00:00.000Z');

/** A segment from `fromS` to `toS` seconds after the relay began. */
function segment(
  content: Pick<ReceiptSegment, 'url' | 'bulletinId' | 'silence'>,
  fromS: number,
  toS: number,
): ReceiptSegment {
  return {
    ...content,
    startedAt: new Date(START + fromS * 1000).toISOString(),
    endedAt: new Date(START + toS * 1000).toISOString(),
    reason: fromS === 0 ? 'start' : 'failed',
  };
}

const STREAM = { url: 'https://radio.example.vn/vov1' };
const FALLBACK = { bulletinId: 'bulletin-du-phong' };
const SILENCE = { silence: true as const };

describe('relayReceiptNote', () => {
  it('is null when the streams carried the whole relay', () => {
    expect(relayReceiptNote(null, [segment(STREAM, 0, 3600)])).toBeNull();
  });

  it('says how long the fallback bulletin and silence stood in, thousands grouped with a dot', () => {
    const note = relayReceiptNote(null, [
      segment(STREAM, 0, 600),
      segment(FALLBACK, 600, 1834.4),
      segment(SILENCE, 1834.4, 3600),
    ]);
    expect(note).toBe(
      'Luồng tiếp âm không nhận được: phát bản tin dự phòng 1.234 giây. ' +
        '1.766 giây im lặng (mọi luồng đều hỏng)',
    );
  });

  it("keeps the player's reason first, and leaves a switch's moment of silence out", () => {
    const note = relayReceiptNote('Dừng theo lệnh', [
      segment(STREAM, 0, 40),
      segment(SILENCE, 40, 42),
      segment(FALLBACK, 42, 90),
    ]);
    expect(note).toBe(
      'Dừng theo lệnh. Luồng tiếp âm không nhận được: phát bản tin dự phòng 48 giây',
    );
  });
});
