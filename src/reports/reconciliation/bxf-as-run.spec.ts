import { XMLParser } from 'fast-xml-parser';
import { bxfAsRunXml, smpteTimeCode } from './bxf-as-run';
import { reconcile } from './reconciliation';

describe('BXF as-run', () => {
  it('writes time codes at 25 frames a second, frames rounded down', () => {
    expect(smpteTimeCode(0)).toBe('00:00:00:00');
    expect(smpteTimeCode(60_000)).toBe('00:01:00:00');
    expect(smpteTimeCode(21_600_000 + 1_239)).toBe('06:00:01:05');
    expect(smpteTimeCode(86_399_999)).toBe('23:59:59:24');
  });

  it('escapes text and keeps the schedule id, status and discrepancy of each due line', () => {
    const startsAt = new Date('2025-10-05T23:00:00.000Z');
    const { lines } = reconcile({
      range: { from: '2025-10-06', to: '2025-10-06' },
      items: [
        {
          id: '3f1c2a9e-0000-4000-8000-000000000001',
          bulletinId: 'b1',
          title: 'Tin "A" & <B>',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 60_000),
          durationMs: 60_000,
          status: 'aired',
          cancelReason: null,
        },
        {
          id: '3f1c2a9e-0000-4000-8000-000000000002',
          bulletinId: 'b2',
          title: 'Tối nay',
          startsAt: new Date('2025-10-06T13:00:00.000Z'),
          endsAt: new Date('2025-10-06T13:01:00.000Z'),
          durationMs: 60_000,
          status: 'planned',
          cancelReason: null,
        },
      ],
      records: [
        {
          id: 'r1',
          seq: 1,
          scheduleItemId: '3f1c2a9e-0000-4000-8000-000000000001',
          bulletinId: 'b1',
          title: null,
          startedAt: new Date(startsAt.getTime() + 9_000).toISOString(),
          playedMs: 60_000,
          outcome: 'aired',
          source: 'automation',
          correctsSeq: null,
          reason: null,
          inEffect: true,
        },
      ],
    });
    const xml = bxfAsRunXml({
      messageId: 'urn:uuid:00000000-0000-4000-8000-000000000000',
      createdAt: new Date('2025-10-06T05:00:00.000Z'),
      communeCode: '14797',
      communeName: 'Phường Hạc Thành',
      from: '2025-10-06',
      to: '2025-10-06',
      lines,
    });
    expect(xml).toContain('Tin &quot;A&quot; &amp; &lt;B&gt;');
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      isArray: (name) => name === 'AsRun',
    }).parse(xml) as {
      BxfMessage: {
        BxfData: {
          Schedule: {
            AsRun: {
              BasicAsRun: {
                AsRunEventId: { EventId: string };
                Content: { Name: string };
                AsRunDetail: { Status: string };
                'lx:Discrepancy': { '@_code': string; '@_lateBySeconds': string };
              };
            }[];
          };
        };
      };
    };
    const events = parsed.BxfMessage.BxfData.Schedule.AsRun;
    // The evening item is not due yet: no as-run for it.
    expect(events).toHaveLength(1);
    expect(events[0].BasicAsRun).toMatchObject({
      AsRunEventId: { EventId: 'urn:uuid:3f1c2a9e-0000-4000-8000-000000000001' },
      Content: { Name: 'Tin "A" & <B>' },
      AsRunDetail: { Status: 'Aired With Discrepancy' },
      'lx:Discrepancy': { '@_code': 'late', '@_lateBySeconds': '9' },
    });
  });
});
