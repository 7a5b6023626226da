import { GlyphCoverage, unprintableNames, unprintableSummary } from './font-coverage';

/** A font that draws everything below U+2000 (Latin, Vietnamese) and nothing above. */
const coverage: GlyphCoverage = { has: (codePoint) => codePoint < 0x2000 };

const target = (topic: string, topicName: string) => ({
  topic,
  topicName,
  minSecondsPerWeek: 600,
  minPlaysPerWeek: 0,
  requiredSeconds: 600,
  requiredPlays: 0,
});

describe('unprintableNames', () => {
  it("names the campaign's, each topic's and each commune's name the font cannot draw", () => {
    const problems = unprintableNames(
      {
        campaignName: 'Chuyển đổi số ☎',
        targets: [target('kinh-te-so', 'Kinh tế số'), target('an-toan-so', 'An toàn số 😀☎😀')],
        communes: [
          { code: '14797', name: 'Phường Hạc Thành' },
          { code: '14812', name: 'Xã ☎' },
        ] as never,
      },
      coverage,
    );
    expect(problems).toEqual([
      { field: 'campaignName', characters: ['☎'], codePoints: ['U+260E'] },
      {
        field: 'topicName',
        code: 'an-toan-so',
        characters: ['😀', '☎'],
        codePoints: ['U+1F600', 'U+260E'],
      },
      { field: 'communeName', code: '14812', characters: ['☎'], codePoints: ['U+260E'] },
    ]);
    expect(unprintableSummary(problems)).toBe(
      '"☎" (U+260E) in campaignName; "😀" (U+1F600), "☎" (U+260E) in topicName of an-toan-so; "☎" (U+260E) in communeName of 14812',
    );
  });

  it('finds nothing when every name prints', () => {
    expect(
      unprintableNames(
        { campaignName: 'Ngày Chuyển đổi số quốc gia', targets: [], communes: [] },
        coverage,
      ),
    ).toEqual([]);
  });
});
