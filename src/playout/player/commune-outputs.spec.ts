import { CommuneOutputs, StopReason } from './commune-outputs';

describe('one output per commune', () => {
  const never = new AbortController().signal;

  it('makes a second play of the commune wait; other communes do not', async () => {
    const outputs = new CommuneOutputs();
    const first = await outputs.acquire(
      '14797',
      { itemId: 'a', emergency: false, title: null },
      never,
    );
    const elsewhere = await outputs.acquire(
      '14758',
      { itemId: 'x', emergency: false, title: null },
      never,
    );
    expect(elsewhere).not.toBeNull();
    let secondTaken = false;
    const second = outputs
      .acquire('14797', { itemId: 'b', emergency: false, title: null }, never)
      .then((hold) => {
        secondTaken = true;
        return hold;
      });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondTaken).toBe(false);
    expect(first!.controller.signal.aborted).toBe(false);
    first!.release();
    expect((await second)!.itemId).toBe('b');
  });

  it('lets an emergency stop the holder, naming itself as the reason', async () => {
    const outputs = new CommuneOutputs();
    const playing = await outputs.acquire(
      '14797',
      { itemId: 'a', emergency: false, title: null },
      never,
    );
    const urgent = outputs.acquire(
      '14797',
      { itemId: 'e', emergency: true, title: 'Thông báo khẩn' },
      never,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(playing!.controller.signal.aborted).toBe(true);
    expect(playing!.controller.signal.reason as StopReason).toEqual({
      kind: 'preempted',
      byItemId: 'e',
      title: 'Thông báo khẩn',
    });
    playing!.release();
    expect((await urgent)!.emergency).toBe(true);
  });

  it('passes a shutdown to the holder and stops waiters', async () => {
    const outputs = new CommuneOutputs();
    const stopping = new AbortController();
    const playing = await outputs.acquire(
      '14797',
      { itemId: 'a', emergency: false, title: null },
      stopping.signal,
    );
    const waiting = outputs.acquire(
      '14797',
      { itemId: 'b', emergency: false, title: null },
      stopping.signal,
    );
    stopping.abort({ kind: 'shutdown' } satisfies StopReason);
    expect(playing!.controller.signal.reason).toEqual({ kind: 'shutdown' });
    expect(await waiting).toBeNull();
  });

  it('lets live speech stop a normal item, an emergency stop live, and live wait for an emergency', async () => {
    const outputs = new CommuneOutputs();
    const normal = await outputs.acquire(
      '14797',
      { itemId: 'a', emergency: false, title: 'Tin' },
      never,
    );
    const live = outputs.acquire(
      '14797',
      { itemId: 'live-1', emergency: false, live: true, title: 'Trực tiếp' },
      never,
    );
    expect(normal!.controller.signal.reason).toEqual({
      kind: 'preempted',
      byItemId: 'live-1',
      title: 'Trực tiếp',
      live: true,
    } satisfies StopReason);
    normal!.release();
    const liveHold = (await live)!;
    expect(liveHold.priority).toBe('live');
    const urgent = outputs.acquire('14797', { itemId: 'e', emergency: true, title: 'Lũ' }, never);
    expect(liveHold.controller.signal.reason).toMatchObject({ kind: 'preempted', byItemId: 'e' });
    liveHold.release();
    const urgentHold = (await urgent)!;
    expect(urgentHold.priority).toBe('emergency');
    // Live speech never stops an emergency: it waits (the live module refuses it before that).
    const secondLive = outputs.acquire(
      '14797',
      { itemId: 'live-2', emergency: false, live: true, title: null },
      never,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(urgentHold.controller.signal.aborted).toBe(false);
    urgentHold.release();
    (await secondLive)!.release();
  });
});
