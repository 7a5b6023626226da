import { BulletinRecord } from '../bulletins/bulletins.repository';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { DomainError } from '../common/domain-error';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { ScheduleItem } from './entities/schedule-item.entity';
import {
  assertInsideWindow,
  assertNoOverlap,
  assertNotPast,
  assertSchedulable,
} from './schedule-rules';
import { WindowSpec } from './window-time';

const commune = {
  code: '14797',
  name: 'Phường Hạc Thành',
  shortName: 'Hạc Thành',
  kind: 'phuong' as const,
  provinceCode: '38',
};

function record(
  bulletin: Partial<Bulletin>,
  audio: Partial<AudioAsset> | null = { status: 'ready', durationMs: 30000 },
): BulletinRecord {
  return {
    bulletin: {
      id: 'b1',
      title: 'Chính quyền số',
      communeCode: '14797',
      provinceCode: '38',
      status: 'approved',
      audioId: 'a1',
      ...bulletin,
    } as Bulletin,
    topics: ['chinh-quyen-so'],
    audio: audio as AudioAsset | null,
  };
}

function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const sang: WindowSpec = {
  id: 'sang',
  name: 'Sáng',
  daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
  startTime: '05:30',
  durationMinutes: 30,
  validFrom: null,
  validTo: null,
};

describe('schedule rules', () => {
  it('accepts approved bulletins with ready audio of the commune or its province library', () => {
    expect(assertSchedulable(record({}), 'b1', commune).durationMs).toBe(30000);
    expect(assertSchedulable(record({ communeCode: null }), 'b1', commune).durationMs).toBe(30000);
  });

  it('refuses other communes, other provinces, drafts and audio that is not ready', () => {
    expect(
      thrown(() => assertSchedulable(record({ communeCode: '14758' }), 'b1', commune)).code,
    ).toBe('BULLETIN_NOT_FOUND');
    expect(
      thrown(() =>
        assertSchedulable(record({ communeCode: null, provinceCode: '01' }), 'b1', commune),
      ).code,
    ).toBe('BULLETIN_NOT_FOUND');
    expect(thrown(() => assertSchedulable(null, 'b1', commune)).code).toBe('BULLETIN_NOT_FOUND');
    const draft = thrown(() => assertSchedulable(record({ status: 'draft' }), 'b1', commune));
    expect(draft).toMatchObject({ code: 'BULLETIN_NOT_APPROVED', status: 422 });
    const queued = thrown(() =>
      assertSchedulable(record({}, { status: 'queued', durationMs: null }), 'b1', commune),
    );
    expect(queued).toMatchObject({ code: 'AUDIO_NOT_READY', details: { audioStatus: 'queued' } });
  });

  it('refuses the past to the millisecond', () => {
    const now = new Date('2025-10-06T00:00:00.000Z');
    expect(() => assertNotPast(now, now)).not.toThrow();
    expect(thrown(() => assertNotPast(new Date(now.getTime() - 1), now)).code).toBe(
      'SCHEDULE_IN_PAST',
    );
  });

  it('names the window an item runs out of, or the windows of the day', () => {
    const start = new Date('2025-10-06T05:59:50+07:00');
    const late = thrown(() => assertInsideWindow([sang], start, new Date(start.getTime() + 20000)));
    expect(late.message).toContain('does not fit in window Sáng (05:30–06:00)');
    expect(late.details).toMatchObject({
      window: { id: 'sang', endsAt: '2025-10-06T06:00:00.000+07:00' },
    });
    // What the web app needs to say why: the item's times and length, and the starts that fit.
    expect(late.details).toEqual(
      expect.objectContaining({
        startsAt: '2025-10-06T05:59:50.000+07:00',
        endsAt: '2025-10-06T06:00:10.000+07:00',
        durationMs: 20000,
        earliestStartsAt: '2025-10-06T05:30:00.000+07:00',
        latestStartsAt: '2025-10-06T05:59:40.000+07:00',
      }),
    );
    const long = thrown(() =>
      assertInsideWindow([sang], start, new Date(start.getTime() + 31 * 60_000)),
    );
    expect(long.details).toMatchObject({ latestStartsAt: null, durationMs: 31 * 60_000 });
    const noon = new Date('2025-10-06T12:00:00+07:00');
    const none = thrown(() => assertInsideWindow([sang], noon, new Date(noon.getTime() + 1000)));
    expect(none.message).toContain('windows on 2025-10-06: Sáng (05:30–06:00)');
    const empty = thrown(() => assertInsideWindow([], noon, new Date(noon.getTime() + 1000)));
    expect(empty.message).toContain('No on-air window on 2025-10-06');
  });

  it('keeps the gap on both sides and names the item in the way', () => {
    const other = {
      id: 'i1',
      bulletinId: 'b9',
      startsAt: new Date('2025-10-06T05:30:00+07:00'),
      endsAt: new Date('2025-10-06T05:30:30+07:00'),
      status: 'planned',
    } as ScheduleItem;
    const titles = new Map([['b9', 'Kinh tế số']]);
    const at = (iso: string, seconds: number) => {
      const start = new Date(iso);
      return () =>
        assertNoOverlap([other], start, new Date(start.getTime() + seconds * 1000), 2000, titles);
    };
    expect(at('2025-10-06T05:30:32+07:00', 10)).not.toThrow();
    expect(at('2025-10-06T05:29:48+07:00', 10)).not.toThrow();
    const after = thrown(at('2025-10-06T05:30:31+07:00', 10));
    expect(after).toMatchObject({
      code: 'SCHEDULE_OVERLAP',
      details: {
        conflictingItem: { id: 'i1', title: 'Kinh tế số', localTime: '06/10 05:30' },
        gapSeconds: 2,
        nearestFreeSlot: null,
      },
    });
    expect(thrown(at('2025-10-06T05:29:49+07:00', 10)).code).toBe('SCHEDULE_OVERLAP');
  });
});
