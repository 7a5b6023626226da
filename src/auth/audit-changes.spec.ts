import { changedFields } from './audit-changes';

describe('changedFields', () => {
  const before = {
    name: 'Tháng chuyển đổi số',
    minDailySeconds: 300,
    rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 7 }],
    description: null as string | null,
    updatedAt: new Date('2025-10-01T00:00:00Z'),
  };

  it('keeps only the fields whose value changed, with the old and the new value', () => {
    const after = {
      ...before,
      minDailySeconds: 60,
      rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 7 }],
      description: 'Mô tả',
    };
    expect(
      changedFields(before, after, ['name', 'minDailySeconds', 'rules', 'description']),
    ).toEqual({
      minDailySeconds: { from: 300, to: 60 },
      description: { from: null, to: 'Mô tả' },
    });
  });

  it('compares nested values and dates by content', () => {
    const after = {
      ...before,
      rules: [{ topic: 'kinh-te-so', minPlaysPerWeek: 8 }],
      updatedAt: new Date('2025-10-01T00:00:00Z'),
    };
    expect(changedFields(before, after, ['rules', 'updatedAt'])).toEqual({
      rules: { from: before.rules, to: after.rules },
    });
    expect(changedFields(before, { ...before }, ['name', 'rules'])).toEqual({});
  });
});
