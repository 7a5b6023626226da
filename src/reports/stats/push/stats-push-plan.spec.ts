import { pushStep } from './stats-push-plan';

describe('what a push sweep does with a finished day', () => {
  it('sends a day never sent as a new revision', () => {
    expect(pushStep(undefined, 'a')).toBe('new');
  });

  it('sends nothing for a delivered day whose numbers are the same', () => {
    expect(pushStep({ contentHash: 'a', status: 'delivered', attempts: 1 }, 'a')).toBe('none');
  });

  it('sends a delivered day whose numbers changed as the next revision', () => {
    expect(pushStep({ contentHash: 'a', status: 'delivered', attempts: 2 }, 'b')).toBe('new');
  });

  it('queues again a revision not delivered yet', () => {
    expect(pushStep({ contentHash: 'a', status: 'pending', attempts: 0 }, 'a')).toBe('resend');
    expect(pushStep({ contentHash: 'a', status: 'failed', attempts: 9 }, 'a')).toBe('resend');
  });

  it('gives newer numbers to a revision never tried, a new revision once one was tried', () => {
    expect(pushStep({ contentHash: 'a', status: 'pending', attempts: 0 }, 'b')).toBe('update');
    // A receiver may have stored a tried revision without our hearing back: never reuse its key.
    expect(pushStep({ contentHash: 'a', status: 'pending', attempts: 1 }, 'b')).toBe('new');
    expect(pushStep({ contentHash: 'a', status: 'failed', attempts: 9 }, 'b')).toBe('new');
  });
});
