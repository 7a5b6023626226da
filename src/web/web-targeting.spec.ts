import { itemTargetsDevice as serverRule } from '../schedule/item-zones';
import { itemTargetsDevice as webRule } from '../../web/src/targeting';

describe("the web app's copy of the targeting rule", () => {
  const itemZones: (string[] | null)[] = [null, [], ['cho'], ['thon-dong'], ['cho', 'thon-dong']];
  const deviceZones: string[][] = [[], ['cho'], ['thon-dong'], ['cho', 'thon-dong'], ['ben-do']];

  it("answers as the server's for every item's and cluster's zones", () => {
    for (const item of itemZones) {
      for (const device of deviceZones) {
        expect([item, device, webRule(item, device)]).toEqual([
          item,
          device,
          serverRule(item, device),
        ]);
      }
    }
  });

  it('sends an item without zones everywhere, one with zones to the clusters in one of them', () => {
    expect(webRule(null, [])).toBe(true);
    expect(webRule(['cho'], [])).toBe(false);
    expect(webRule(['cho', 'thon-dong'], ['thon-dong'])).toBe(true);
    expect(webRule([], ['cho'])).toBe(false);
  });
});
