import { Logger } from '@nestjs/common';
import { ScheduleChange, ScheduleChanges } from './schedule-changes';

describe('ScheduleChanges', () => {
  const change: ScheduleChange = { communeCode: '14797', kind: 'created', itemIds: ['i1'] };

  it('tells every listener until it stops listening, and skips empty changes', () => {
    const changes = new ScheduleChanges();
    const seen: ScheduleChange[] = [];
    const stop = changes.onChange((received) => {
      seen.push(received);
    });
    changes.emit(change);
    changes.emit({ ...change, itemIds: [] });
    stop();
    changes.emit(change);
    expect(seen).toEqual([change]);
  });

  it('keeps a failing listener away from the others and from the caller', async () => {
    const changes = new ScheduleChanges();
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    changes.onChange(() => {
      throw new Error('boom');
    });
    changes.onChange(() => Promise.reject(new Error('async boom')));
    changes.onChange((received) => {
      seen.push(received.kind);
    });
    expect(() => changes.emit(change)).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['created']);
    expect(errors).toHaveBeenCalledTimes(2);
    errors.mockRestore();
  });
});
