import { airtimeTable } from './compliance';
import { changePercent, upliftRows, upliftTopicRows, upliftTotals } from './uplift';

const COMMUNES = [
  { code: '14797', name: 'Phường Hạc Thành' },
  { code: '14812', name: 'Phường Bỉm Sơn' },
  { code: '14818', name: 'Phường Quang Trung' },
];

describe('uplift against the days before', () => {
  it('gives the change in seconds and in percent (none from a zero baseline)', () => {
    expect(changePercent(1500, 1000)).toBe(50);
    expect(changePercent(1000, 3000)).toBe(-66.7);
    expect(changePercent(1000, 0)).toBeNull();
    expect(changePercent(0, 0)).toBeNull();
  });

  it('compares every commune, and totals the province', () => {
    const current = new Map([
      ['14797', 900_500],
      ['14812', 100_000],
    ]);
    const baseline = new Map([
      ['14797', 600_000],
      ['14812', 200_000],
    ]);
    const rows = upliftRows(COMMUNES, current, baseline);
    expect(rows).toEqual([
      {
        communeCode: '14797',
        communeName: 'Phường Hạc Thành',
        airedSeconds: 900.5,
        baselineSeconds: 600,
        changeSeconds: 300.5,
        changePercent: 50.1,
      },
      {
        communeCode: '14812',
        communeName: 'Phường Bỉm Sơn',
        airedSeconds: 100,
        baselineSeconds: 200,
        changeSeconds: -100,
        changePercent: -50,
      },
      {
        communeCode: '14818',
        communeName: 'Phường Quang Trung',
        airedSeconds: 0,
        baselineSeconds: 0,
        changeSeconds: 0,
        changePercent: null,
      },
    ]);
    expect(upliftTotals(rows, current, baseline)).toEqual({
      airedSeconds: 1000.5,
      baselineSeconds: 800,
      changeSeconds: 200.5,
      changePercent: 25.1,
      communesUp: 1,
      communesDown: 1,
      communesUnchanged: 1,
    });
  });

  it('compares per topic with the plays', () => {
    const rows = upliftTopicRows(
      COMMUNES.slice(0, 1),
      ['kinh-te-so'],
      airtimeTable([{ communeCode: '14797', topic: 'kinh-te-so', airedMs: 2000, plays: 2 }]),
      airtimeTable([]),
    );
    expect(rows).toEqual([
      {
        communeCode: '14797',
        communeName: 'Phường Hạc Thành',
        topic: 'kinh-te-so',
        airedSeconds: 2,
        baselineSeconds: 0,
        changeSeconds: 2,
        changePercent: null,
        plays: 2,
        baselinePlays: 0,
      },
    ]);
  });
});
