import { nameKey as serverNameKey } from '../common/text';
import { bulletinChoiceLabel, nameKey, sameTitled } from '../../web/src/bulletin-names';

const bulletin = (id: string, title: string, change: Record<string, unknown> = {}) => ({
  id,
  title,
  status: 'approved',
  durationMs: 30_000,
  createdAt: '2025-10-06T05:30:00.000+07:00',
  ...change,
});

describe('bulletins of one title', () => {
  it('compares titles as the server compares names', () => {
    // "Chuyển đổi số" typed with a decomposed "ổ", in capitals, with stray spaces.
    const decomposed = '  CHUYE\u0302\u0309N  đổi SỐ '.normalize('NFD');
    for (const name of [decomposed, 'Chuyển đổi số', 'Chuyển đổi số 2025']) {
      expect(nameKey(name)).toBe(serverNameKey(name));
    }
    expect(nameKey(decomposed)).toBe(nameKey('Chuyển đổi số'));
  });

  it('finds the bulletins a new title repeats, archived ones and the one edited aside', () => {
    const all = [
      bulletin('a', 'Chuyển đổi số'),
      bulletin('b', ' chuyển đổi  SỐ', { status: 'draft' }),
      bulletin('c', 'Chuyển đổi số', { status: 'archived' }),
      bulletin('d', 'Kinh tế số'),
    ];
    expect(sameTitled(all, 'CHUYỂN ĐỔI SỐ').map((each) => each.id)).toEqual(['a', 'b']);
    expect(sameTitled(all, 'Chuyển đổi số', 'a').map((each) => each.id)).toEqual(['b']);
    expect(sameTitled(all, 'Xã hội số')).toEqual([]);
  });

  it('tells same-titled bulletins apart in a pick list by when they were made', () => {
    const first = bulletin('a', 'Chuyển đổi số');
    const second = bulletin('b', 'Chuyển đổi số', {
      durationMs: 11_000,
      createdAt: '2025-10-07T08:15:00.000+07:00',
    });
    const other = bulletin('d', 'Kinh tế số');
    const all = [first, second, other];
    expect(bulletinChoiceLabel(first, all)).toBe('Chuyển đổi số (30 giây, tạo 06/10/2025 05:30)');
    expect(bulletinChoiceLabel(second, all)).toBe('Chuyển đổi số (11 giây, tạo 07/10/2025 08:15)');
    expect(bulletinChoiceLabel(other, all)).toBe('Kinh tế số (30 giây)');
  });
});
