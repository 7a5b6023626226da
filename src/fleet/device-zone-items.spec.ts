import type { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { itemsLeftUnserved, unservedReason } from './device-zone-items';

function item(id: string, zones: string[] | null): ScheduleItem {
  return { id, zones } as ScheduleItem;
}

describe('itemsLeftUnserved', () => {
  const items = [item('t3', ['thon-3']), item('t3-4', ['thon-3', 'thon-4']), item('all', null)];

  it('names the items of a zone whose last cluster leaves it', () => {
    const left = itemsLeftUnserved(items, [['thon-3'], ['thon-5']], [['thon-4'], ['thon-5']]);
    expect(left.map((one) => one.id)).toEqual(['t3']);
  });

  it('keeps an item one of whose zones is still served', () => {
    const left = itemsLeftUnserved(items, [['thon-3', 'thon-4']], [['thon-4']]);
    expect(left.map((one) => one.id)).toEqual(['t3']);
  });

  it('keeps a zone another cluster still serves', () => {
    expect(itemsLeftUnserved(items, [['thon-3'], ['thon-3']], [['thon-3']])).toEqual([]);
  });

  it('leaves a whole-commune item unserved only when no cluster remains', () => {
    expect(itemsLeftUnserved([item('all', null)], [['thon-3'], []], [[]])).toEqual([]);
    const left = itemsLeftUnserved(items, [['thon-3']], []);
    expect(left.map((one) => one.id)).toEqual(['t3', 't3-4', 'all']);
  });

  it('leaves alone the items no cluster served before the change', () => {
    expect(itemsLeftUnserved([item('t9', ['thon-9'])], [['thon-3']], [])).toEqual([]);
  });
});

describe('unservedReason', () => {
  it('says in Vietnamese which zones lost their clusters', () => {
    expect(unservedReason(['thon-3'])).toBe(
      'Không còn cụm loa nào ở vùng phát thon-3 (cụm loa đã được sửa hoặc xoá)',
    );
    expect(unservedReason(null)).toBe(
      'Không còn cụm loa nào trong xã (cụm loa đã được sửa hoặc xoá)',
    );
  });
});
