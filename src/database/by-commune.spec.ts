import { readByCommune } from './by-commune';

describe('readByCommune', () => {
  it('reads the codes 500 at a time and gives every commune its rows in the order read', async () => {
    const codes = Array.from({ length: 1201 }, (_, index) => String(10000 + index));
    const asked: number[] = [];
    const byCommune = await readByCommune(codes, (chunk) => {
      asked.push(chunk.length);
      // Two rows for every third commune, none for the others; a row of a commune not asked for.
      return Promise.resolve([
        ...chunk
          .filter((_, index) => index % 3 === 0)
          .flatMap((communeCode) => [
            { communeCode, n: 2 },
            { communeCode, n: 1 },
          ]),
        { communeCode: '99999', n: 0 },
      ]);
    });
    expect(asked).toEqual([500, 500, 201]);
    expect([...byCommune.keys()]).toEqual(codes);
    expect(byCommune.get('10000')).toEqual([
      { communeCode: '10000', n: 2 },
      { communeCode: '10000', n: 1 },
    ]);
    expect(byCommune.get('10001')).toEqual([]);
    expect(byCommune.get('10500')).toEqual([
      { communeCode: '10500', n: 2 },
      { communeCode: '10500', n: 1 },
    ]);
    expect(byCommune.has('99999')).toBe(false);
  });

  it('reads nothing for no communes', async () => {
    const read = jest.fn(() => Promise.resolve([]));
    expect(await readByCommune([], read)).toEqual(new Map());
    expect(read).not.toHaveBeenCalled();
  });
});
