import { EmergenciesRepository, ReceivedAck, ReportedStart } from './emergencies.repository';
import { FleetRecorder } from './fleet-recorder';

function ack(n: number): ReceivedAck {
  return {
    communeCode: '14797',
    deviceId: `device-${n}`,
    commandId: `command-${n}`,
    ok: true,
    error: null,
    receivedAt: new Date(Date.UTC(2026, 11, 3, 7, 0, 0, n)),
    startedAt: null,
  };
}

/** A repository whose `record` is the only thing the recorder may call. */
function repository(record: (acks: ReceivedAck[], starts: ReportedStart[]) => Promise<void>) {
  const calls: { acks: ReceivedAck[]; starts: ReportedStart[] }[] = [];
  const fake = {
    record: jest.fn(async (acks: ReceivedAck[], starts: ReportedStart[]) => {
      calls.push({ acks: [...acks], starts: [...starts] });
      await record(acks, starts);
    }),
  };
  return { repository: fake as unknown as EmergenciesRepository, calls, fake };
}

describe('FleetRecorder', () => {
  it('writes what arrives together in one batch, and what arrives during a write in the next', async () => {
    let release: () => void = () => undefined;
    const { repository: repo, calls } = repository(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    const recorder = new FleetRecorder(repo);
    for (let n = 0; n < 2500; n += 1) recorder.ack(ack(n));
    recorder.start({ deviceId: 'device-1', scheduleItemId: 'item', startedAt: new Date(0) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(1);
    expect(calls[0].acks).toHaveLength(2500);
    expect(calls[0].starts).toHaveLength(1);
    recorder.ack(ack(2500));
    recorder.ack(ack(2501));
    release();
    const flushed = recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await flushed;
    expect(calls.map((call) => call.acks.map((one) => one.commandId))).toEqual([
      calls[0].acks.map((one) => one.commandId),
      ['command-2500', 'command-2501'],
    ]);
  });

  it('tries a failed batch again with what came since, and gives up after five tries', async () => {
    let failures = 2;
    const { repository: repo, calls } = repository(() =>
      failures-- > 0 ? Promise.reject(new Error('SQLITE_BUSY')) : Promise.resolve(),
    );
    const recorder = new FleetRecorder(repo);
    recorder.ack(ack(1));
    await recorder.flush();
    expect(calls.map((call) => call.acks.length)).toEqual([1, 1, 1]);

    const broken = repository(() => Promise.reject(new Error('disk full')));
    const giving = new FleetRecorder(broken.repository);
    giving.ack(ack(2));
    await giving.flush();
    expect(broken.fake.record).toHaveBeenCalledTimes(5);
  });

  it('writes nothing when nothing arrived', async () => {
    const { repository: repo, fake } = repository(() => Promise.resolve());
    await new FleetRecorder(repo).onModuleDestroy();
    expect(fake.record).not.toHaveBeenCalled();
  });
});
