import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AlertsService } from '../fleet/alerts.service';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { ManualClock } from '../common/manual-clock';
import { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { Db } from '../database/db.service';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { mediaPaths } from '../media/media-paths';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { AutomationOutcome, AutomationRecorder } from './automation-recorder';
import { PlayoutClaims } from './playout-claims';
import { PolicyChecks } from '../schedule/policy-checks';
import { PlayoutRunner } from './playout-runner.service';
import { PlayControl, PlayPlan, PlayResult } from './player/player';
import type { StationOutputs } from './player/station-outputs';

const NOW = new Date('2025-10-01T05:30:00.000+07:00');

function item(overrides: Partial<ScheduleItem> = {}): ScheduleItem {
  return {
    id: 'item-1',
    communeCode: '14797',
    bulletinId: 'bulletin-1',
    startsAt: new Date(NOW.getTime() + 2000),
    endsAt: new Date(NOW.getTime() + 7000),
    durationMs: 5000,
    status: 'planned',
    source: 'manual',
    zones: null,
    cancelReason: null,
    title: null,
    priority: 'normal',
    revision: 0,
    createdBy: null,
    createdAt: NOW,
    updatedAt: NOW,
    demo: false,
    ...overrides,
  };
}

/** A runner whose every collaborator is a strict mock: unexpected calls fail the test. */
function setup(items: ScheduleItem[], bulletinPriority: Bulletin['priority'] = 'normal') {
  const mediaDir = mkdtempSync(join(tmpdir(), 'loa-xa-runner-'));
  const rendition = mediaPaths.rendition(mediaDir, 'audio-1');
  mkdirSync(dirname(rendition), { recursive: true });
  writeFileSync(rendition, 'mp3');
  const config: AppConfig = loadConfig({ MEDIA_DIR: mediaDir, PLAYOUT_LATE_TOLERANCE_MS: '60000' });
  const clock = new ManualClock(NOW);
  const rows = new Map<unknown, unknown[]>([
    [ScheduleItem, items],
    [
      Bulletin,
      items.map((row) => ({
        id: row.bulletinId,
        title: `Bản tin ${row.id}`,
        audioId: 'audio-1',
        priority: bulletinPriority,
      })),
    ],
    [AudioAsset, [{ id: 'audio-1', status: 'ready', durationMs: 5000 }]],
  ]);
  const db = {
    manager: {
      // Whether the commune has enrolled devices (then its clusters play, not this player).
      existsBy: jest.fn().mockResolvedValue(false),
      findOneBy: jest.fn((entity: unknown, where: { id: string }) =>
        Promise.resolve(
          (rows.get(entity) ?? []).find((row) => (row as { id: string }).id === where.id) ?? null,
        ),
      ),
    },
  } as unknown as Db;
  const claims = {
    claim: jest.fn().mockResolvedValue(true),
    started: jest.fn().mockResolvedValue(undefined),
    heartbeat: jest.fn().mockResolvedValue(undefined),
    release: jest.fn().mockResolvedValue(undefined),
    claimAhead: jest.fn().mockResolvedValue([]),
    holds: jest.fn().mockResolvedValue(true),
    renew: jest.fn().mockResolvedValue(undefined),
  };
  const recorded: { itemId: string; outcome: AutomationOutcome }[] = [];
  const recorder = {
    record: jest.fn((row: ScheduleItem, outcome: AutomationOutcome) => {
      recorded.push({ itemId: row.id, outcome });
      return Promise.resolve({ outcome: outcome.outcome, reason: outcome.reason });
    }),
    settleOverdue: jest.fn((row: ScheduleItem) => {
      recorded.push({ itemId: row.id, outcome: { outcome: 'missed' } as AutomationOutcome });
      return Promise.resolve({ outcome: 'missed', reason: 'late' });
    }),
  };
  const player = { play: jest.fn<Promise<PlayResult>, [PlayPlan, PlayControl]>() };
  // The policy's checks have their own tests (broadcast-policy.spec.ts, test/policy.e2e-spec.ts).
  const policy = { checkScheduled: jest.fn().mockResolvedValue(null) };
  const runner = new PlayoutRunner(
    config,
    db,
    claims as unknown as PlayoutClaims,
    recorder as unknown as AutomationRecorder,
    // The output's own placing, ranks and cut-ins: station-output.spec.ts.
    {
      playRendition: (_item: unknown, plan: PlayPlan, control: PlayControl) =>
        player.play(plan, control),
      playRelay: jest.fn(),
    } as unknown as StationOutputs,
    {
      raise: jest.fn(() => Promise.resolve()),
      clear: jest.fn(() => Promise.resolve()),
    } as unknown as AlertsService,
    clock,
    policy as unknown as PolicyChecks,
  );
  return { runner, claims, recorder, recorded, player, clock, db, policy };
}

type Started = Extract<PlayResult, { started: true }>;

function aired(plan: PlayPlan, playedMs = 5000): Started {
  return {
    started: true,
    startedAt: plan.startsAt,
    endedAt: new Date(plan.startsAt.getTime() + playedMs),
    playedMs,
    completed: true,
    startErrorMs: 0.4,
  };
}

/** A play that runs until its signal aborts, then reports what aired. */
function playUntilStopped(plan: PlayPlan, control: PlayControl): Promise<PlayResult> {
  control.onStarted?.(plan.startsAt);
  return new Promise((resolve) =>
    control.signal.addEventListener('abort', () =>
      resolve({ ...aired(plan, 1200), completed: false }),
    ),
  );
}

describe('PlayoutRunner', () => {
  it('plays a due item on its sink and records it aired', async () => {
    const { runner, claims, player, recorded } = setup([item()]);
    player.play.mockImplementation((plan) => Promise.resolve(aired(plan)));
    const summary = await runner.run({ scheduleItemId: 'item-1' });
    expect(summary).toMatchObject({ action: 'aired', startErrorMs: 0.4 });
    expect(claims.claim).toHaveBeenCalledTimes(1);
    expect(player.play.mock.calls[0][0]).toMatchObject({
      startsAt: item().startsAt,
      target: { kind: 'null' },
      durationMs: 5000,
    });
    expect(recorded).toEqual([
      {
        itemId: 'item-1',
        outcome: expect.objectContaining({ outcome: 'aired', playedMs: 5000, reason: null }),
      },
    ]);
  });

  it("claims the commune's next items ahead in one write and plays them from its own timer", async () => {
    const next = item({
      id: 'item-2',
      startsAt: new Date(NOW.getTime() + 4000),
      endsAt: new Date(NOW.getTime() + 9000),
    });
    const { runner, claims, player, recorded } = setup([item(), next]);
    player.play.mockImplementation((plan) => Promise.resolve(aired(plan)));
    claims.claimAhead.mockResolvedValueOnce([{ id: 'item-2', startsAt: next.startsAt }]);
    await runner.run({ scheduleItemId: 'item-1' });
    expect(claims.claimAhead).toHaveBeenCalledWith(
      '14797',
      runner.owner,
      item().startsAt,
      new Date(NOW.getTime() + 60000),
    );
    player.play.mockImplementation(
      (plan) => new Promise((resolve) => setTimeout(() => resolve(aired(plan)), 400)),
    );
    // Its timer fires at its preroll (3 s before its start, 1 s from now): no claim, no job.
    await new Promise((resolve) => setTimeout(resolve, 1150));
    expect(claims.holds).toHaveBeenCalledWith('item-2', runner.owner);
    expect(claims.claim).toHaveBeenCalledTimes(1);
    expect(player.play).toHaveBeenCalledTimes(2);
    // Its job, coming while it plays, shares that play: it is not played twice.
    const summary = await runner.run({
      scheduleItemId: 'item-2',
      startsAt: next.startsAt.toISOString(),
    });
    expect(summary).toMatchObject({ scheduleItemId: 'item-2', action: 'aired' });
    expect(player.play).toHaveBeenCalledTimes(2);
    expect(recorded.map((row) => row.itemId)).toEqual(['item-1', 'item-2']);
    await runner.beforeApplicationShutdown();
  });

  it('does not play an item the broadcast policy refuses, and records it failed with the rule', async () => {
    const { runner, player, recorded, policy } = setup([item()]);
    policy.checkScheduled.mockResolvedValue({
      rule: 'POLICY_QUIET_HOURS',
      message: 'The item falls in the quiet hours 21:30–05:30',
      messageVi: 'Mục phát rơi vào giờ yên tĩnh 21:30–05:30',
    });
    const summary = await runner.run({ scheduleItemId: 'item-1' });
    expect(summary).toMatchObject({ action: 'failed' });
    expect(player.play).not.toHaveBeenCalled();
    expect(recorded[0].outcome).toMatchObject({
      outcome: 'failed',
      playedMs: 0,
      reason: expect.stringContaining('(POLICY_QUIET_HOURS): Mục phát rơi vào giờ yên tĩnh'),
    });
  });

  it('leaves cancelled, finished and moved items alone', async () => {
    const { runner, claims, player } = setup([
      item({ id: 'cancelled', status: 'cancelled' }),
      item({ id: 'aired', status: 'aired' }),
      item({ id: 'moved' }),
    ]);
    for (const id of ['cancelled', 'aired', 'missing']) {
      expect(await runner.run({ scheduleItemId: id })).toMatchObject({ action: 'skipped' });
    }
    expect(
      await runner.run({ scheduleItemId: 'moved', startsAt: '2025-10-01T00:00:00.000Z' }),
    ).toMatchObject({ action: 'skipped', detail: 'moved since the job was made' });
    expect(claims.claim).not.toHaveBeenCalled();
    expect(player.play).not.toHaveBeenCalled();
  });

  it('leaves the items of a commune with devices to its clusters: no claim, no record', async () => {
    const { runner, claims, player, recorder, db } = setup([item()]);
    (db.manager.existsBy as jest.Mock).mockResolvedValue(true);
    expect(await runner.run({ scheduleItemId: 'item-1' })).toMatchObject({
      action: 'skipped',
      detail: "the commune's devices play it",
    });
    expect(claims.claim).not.toHaveBeenCalled();
    expect(player.play).not.toHaveBeenCalled();
    expect(recorder.record).not.toHaveBeenCalled();
  });

  it('never plays an item late beyond the tolerance: it is settled missed', async () => {
    const { runner, claims, player, recorder, clock } = setup([item()]);
    clock.advance(2000 + 60001);
    expect(await runner.run({ scheduleItemId: 'item-1' })).toMatchObject({ action: 'missed' });
    expect(recorder.settleOverdue).toHaveBeenCalledTimes(1);
    expect(claims.claim).not.toHaveBeenCalled();
    expect(player.play).not.toHaveBeenCalled();
  });

  it('does not play an item another player holds', async () => {
    const { runner, claims, player, recorder } = setup([item()]);
    claims.claim.mockResolvedValue(false);
    expect(await runner.run({ scheduleItemId: 'item-1' })).toMatchObject({ action: 'skipped' });
    expect(player.play).not.toHaveBeenCalled();
    expect(recorder.record).not.toHaveBeenCalled();
  });

  it('records a failure to start as failed, with the error', async () => {
    const { runner, player, recorded } = setup([item()]);
    player.play.mockResolvedValue({ started: false, error: 'The sink stopped before the start' });
    expect(await runner.run({ scheduleItemId: 'item-1' })).toMatchObject({ action: 'failed' });
    expect(recorded[0].outcome).toMatchObject({
      outcome: 'failed',
      playedMs: 0,
      reason: 'Lỗi phát: The sink stopped before the start',
    });
  });

  it('records an item the output cut off for an emergency partial, naming the emergency', async () => {
    const { runner, player, recorded } = setup(
      [
        item({ id: 'normal', bulletinId: 'bulletin-normal' }),
        item({ id: 'urgent', bulletinId: 'bulletin-urgent', source: 'emergency' }),
      ],
      'normal',
    );
    // The output cuts the normal item at the emergency's first chunk and says who cut it.
    player.play.mockImplementation((plan) =>
      player.play.mock.calls.length === 1
        ? Promise.resolve({
            ...aired(plan, 1200),
            completed: false,
            preemptedBy: { itemId: 'urgent', title: 'Bản tin urgent' },
          } as PlayResult)
        : Promise.resolve(aired(plan, 3000)),
    );
    expect(await runner.run({ scheduleItemId: 'normal' })).toMatchObject({ action: 'partial' });
    expect(await runner.run({ scheduleItemId: 'urgent' })).toMatchObject({ action: 'aired' });
    expect(recorded.map((entry) => [entry.itemId, entry.outcome.outcome])).toEqual([
      ['normal', 'partial'],
      ['urgent', 'aired'],
    ]);
    expect(recorded[0].outcome.reason).toBe('Ngắt để phát bản tin khẩn cấp "Bản tin urgent"');
  });

  it('records an item the output could only start past the tolerance missed', async () => {
    const { runner, player, recorded } = setup([item()]);
    player.play.mockResolvedValue({ started: false, missed: true } as PlayResult);
    expect(await runner.run({ scheduleItemId: 'item-1' })).toMatchObject({ action: 'missed' });
    expect(recorded).toEqual([
      { itemId: 'item-1', outcome: expect.objectContaining({ outcome: 'missed' }) },
    ]);
  });

  it('at shutdown stops a play, records it partial, and gives back items not yet started', async () => {
    const { runner, player, recorded, claims } = setup([
      item({ id: 'playing' }),
      item({ id: 'waiting', communeCode: '14758' }),
    ]);
    player.play.mockImplementation((plan, control) =>
      player.play.mock.calls.length === 1
        ? playUntilStopped(plan, control)
        : new Promise((resolve) =>
            control.signal.addEventListener('abort', () => resolve({ started: false })),
          ),
    );
    const playing = runner.run({ scheduleItemId: 'playing' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const waiting = runner.run({ scheduleItemId: 'waiting' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await runner.beforeApplicationShutdown();
    expect(await playing).toMatchObject({ action: 'partial' });
    expect(await waiting).toMatchObject({ action: 'skipped' });
    expect(recorded.map((entry) => [entry.itemId, entry.outcome.reason])).toEqual([
      ['playing', 'Dịch vụ dừng trong khi đang phát'],
    ]);
    expect(claims.release).toHaveBeenCalledWith('waiting', runner.owner);
    expect(await runner.run({ scheduleItemId: 'playing' })).toMatchObject({ action: 'skipped' });
  });
});
