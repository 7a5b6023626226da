import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { In } from 'typeorm';
import { AuthUser } from '../auth/auth-user';
import { ApprovalsService } from '../bulletins/approvals.service';
import { BulletinsService } from '../bulletins/bulletins.service';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { addDays, eachDate, localDateOf, localDateTime } from '../common/local-time';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { MediaService } from '../media/media.service';
import { AsRunLedger, RecordDraft } from '../playout/as-run-ledger';
import { ChainChecksService } from '../reports/chain-checks.service';
import { BroadcastWindow } from '../schedule/entities/broadcast-window.entity';
import { ScheduleItem } from '../schedule/entities/schedule-item.entity';
import { ScheduleService } from '../schedule/schedule.service';
import { WindowsService } from '../schedule/windows.service';
import { User } from '../users/entities/user.entity';
import {
  DEMO_BULLETINS,
  DEMO_CAMPAIGN,
  DEMO_COMMUNE,
  DEMO_COMMUNE_PROFILE,
  DEMO_HISTORY_ONLY,
  DEMO_WINDOWS,
  HistoryBulletin,
  historyPeriods,
  historyRecords,
  roundsFor,
} from './demo-content';
import { DemoRemover } from './demo-remover';

export interface DemoSummary {
  communes: string[];
  windows: number;
  bulletins: number;
  scheduleItems: number;
  playoutRecords: number;
}

/** How long synthesized audio may take to be processed by a worker. */
const AUDIO_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 500;
/** Items of the planned week follow each other with this gap (above SCHEDULE_GAP_SECONDS). */
const ITEM_GAP_MS = 5000;
/** Planned items start at least this long from now, so that none is already late. */
const PLAN_LEAD_MS = 5 * 60_000;

/**
 * Fills the demo through the service's own code paths (window, audio, bulletin, schedule and
 * as-run services), flagging each row it makes as demo data right after making it. On any failure
 * it removes what it made, so a failed run leaves nothing behind.
 */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger(DemoSeeder.name);
  /** Recordings this run made, removed with the rest if the run fails before using them. */
  private createdAudio: string[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly db: Db,
    private readonly geo: GeoService,
    private readonly clock: Clock,
    private readonly remover: DemoRemover,
  ) {}

  /** Services of other modules, looked up across the application (they need not export them). */
  private service<T>(type: new (...args: never[]) => T): T {
    return this.moduleRef.get(type, { strict: false });
  }

  async seed(): Promise<DemoSummary> {
    if (await this.remover.present()) {
      throw new DomainError(
        'CONFLICT',
        'Demo data is already in the database; remove it first with npm run demo:remove',
      );
    }
    const actor = await this.admin();
    this.createdAudio = [];
    try {
      const windows = await this.createWindows(actor);
      const bulletins = await this.createBulletins(actor);
      const items = await this.planWeek(actor, bulletins);
      const records = await this.appendHistory(bulletins);
      const communes = [DEMO_COMMUNE, ...DEMO_HISTORY_ONLY.map((commune) => commune.code)];
      await this.service(ChainChecksService).verifyAll(communes);
      return {
        communes,
        windows: windows.length,
        bulletins: bulletins.length,
        scheduleItems: items,
        playoutRecords: records,
      };
    } catch (error) {
      this.logger.error(`Demo failed, removing what it made: ${(error as Error).message}`);
      await this.remover.remove(actor, this.createdAudio);
      throw error;
    }
  }

  /** The first active admin acts for the demo (audit trail, created_by). */
  async admin(): Promise<AuthUser> {
    const admin = await this.db.manager.findOne(User, {
      where: { role: 'admin', disabled: false },
      order: { createdAt: 'ASC' },
    });
    if (!admin) {
      throw new DomainError('CONFLICT', 'No admin yet: start the service once (npm start) first');
    }
    return {
      id: admin.id,
      username: admin.username,
      role: admin.role,
      communeCode: null,
      provinceCode: null,
    };
  }

  private async flag(
    entity: typeof BroadcastWindow | typeof Bulletin | typeof ScheduleItem,
    ids: string[],
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.db.write((manager) => manager.update(entity, { id: In(ids) }, { demo: true }));
  }

  private async createWindows(actor: AuthUser): Promise<string[]> {
    const windows = this.service(WindowsService);
    const ids: string[] = [];
    for (const spec of DEMO_WINDOWS) {
      const window = await windows.create(DEMO_COMMUNE, { ...spec }, actor);
      await this.flag(BroadcastWindow, [window.id]);
      ids.push(window.id);
    }
    return ids;
  }

  /** Synthesizes each sentence, waits for the worker, then saves and approves the bulletin. */
  private async createBulletins(actor: AuthUser): Promise<HistoryBulletin[]> {
    const media = this.service(MediaService);
    const owner = media.communeOwner(DEMO_COMMUNE);
    const assets = [];
    for (const spec of DEMO_BULLETINS) {
      const result = await media.synthesize(owner, { text: spec.text, voice: spec.voice }, actor);
      if (result.created) this.createdAudio.push(result.asset.id);
      assets.push(result.asset.id);
    }
    const durations = await this.waitForAudio(assets, actor);
    const service = this.service(BulletinsService);
    const made: HistoryBulletin[] = [];
    for (const [index, spec] of DEMO_BULLETINS.entries()) {
      const bulletin = await service.createForCommune(
        DEMO_COMMUNE,
        { title: spec.title, topics: spec.topics, audioId: assets[index], body: spec.text },
        actor,
      );
      await this.flag(Bulletin, [bulletin.id]);
      await this.service(ApprovalsService).approveOne(bulletin.id, actor, bulletin.revision);
      made.push({
        id: bulletin.id,
        title: spec.title,
        topics: spec.topics,
        durationMs: durations[index],
      });
    }
    return made;
  }

  private async waitForAudio(ids: readonly string[], actor: AuthUser): Promise<number[]> {
    const media = this.service(MediaService);
    const deadline = this.clock.nowMs() + AUDIO_TIMEOUT_MS;
    for (;;) {
      const assets = await Promise.all(ids.map((id) => media.get(id, actor)));
      const failed = assets.find((asset) => asset.status === 'failed');
      if (failed) throw new Error(`Audio ${failed.id} failed: ${failed.error ?? 'unknown error'}`);
      if (assets.every((asset) => asset.status === 'ready')) {
        return assets.map((asset) => asset.durationMs ?? 0);
      }
      if (this.clock.nowMs() > deadline) {
        throw new Error(
          'Audio was not processed within 5 minutes: is a worker running (npm start, or APP_ROLES with worker)?',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /**
   * The coming week (today and the six days after), through the schedule service: in every
   * window still ahead, the bulletins one after another, rotating so each topic airs each day.
   * Not through the planner: it plans for a running campaign, and the demo's (cds-2025) is over.
   * The items are then marked as the planner marks its own (source `planner`).
   */
  private async planWeek(actor: AuthUser, bulletins: readonly HistoryBulletin[]): Promise<number> {
    const schedule = this.service(ScheduleService);
    const earliest = this.clock.nowMs() + PLAN_LEAD_MS;
    const today = localDateOf(this.clock.now());
    const ids: string[] = [];
    let turn = 0;
    for (const date of eachDate(today, addDays(today, 6))) {
      const day = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
      for (const window of DEMO_WINDOWS.filter((spec) => spec.daysOfWeek.includes(day))) {
        const [hours, minutes] = window.startTime.split(':').map(Number);
        let startsAt = localDateTime(date, hours * 60 + minutes).getTime();
        const endsAt = startsAt + window.durationMinutes * 60_000;
        // Three bulletins a window, taken in turn from the list.
        for (let count = 0; count < 3; count += 1) {
          const bulletin = bulletins[turn % bulletins.length];
          turn += 1;
          if (startsAt + bulletin.durationMs > endsAt) break;
          if (startsAt >= earliest && bulletin.id) {
            const item = await schedule.create(
              DEMO_COMMUNE,
              { bulletinId: bulletin.id, startsAt: new Date(startsAt).toISOString() },
              actor,
            );
            // Flagged at once (a failed run removes it); and it stands for a planned item, so it
            // says so ("Theo kế hoạch", not "Xếp tay").
            await this.db.write((manager) =>
              manager.update(ScheduleItem, { id: item.id }, { demo: true, source: 'planner' }),
            );
            ids.push(item.id);
          }
          startsAt += bulletin.durationMs + ITEM_GAP_MS;
        }
      }
    }
    return ids.length;
  }

  /** The campaign's as-run history (and the month before it), appended through the ledger. */
  private async appendHistory(bulletins: readonly HistoryBulletin[]): Promise<number> {
    const campaigns = this.service(CampaignsService);
    const campaign = await campaigns.get(DEMO_CAMPAIGN);
    const periods = historyPeriods(campaign);
    const ledger = this.service(AsRunLedger);
    const titleOnly = bulletins.map((bulletin) => ({ ...bulletin, id: null }));
    const plans = [
      { code: DEMO_COMMUNE, bulletins, profile: DEMO_COMMUNE_PROFILE },
      ...DEMO_HISTORY_ONLY.map((commune) => ({ ...commune, bulletins: titleOnly })),
    ];
    let count = 0;
    for (const [index, plan] of plans.entries()) {
      this.geo.commune(plan.code);
      const records = historyRecords({
        bulletins: plan.bulletins,
        from: periods.baseline.from,
        to: periods.campaign.to,
        rounds: roundsFor(plan.profile, campaign, plan.bulletins),
        seed: 2025 + index,
      });
      const drafts = records.map((record): RecordDraft => ({
        communeCode: plan.code,
        scheduleItemId: null,
        attempt: 1,
        bulletinId: record.bulletinId,
        title: record.title,
        topics: record.topics,
        startedAt: record.startedAt,
        endedAt: record.endedAt,
        playedMs: record.playedMs,
        outcome: record.outcome,
        source: 'import',
        correctsSeq: null,
        reason: record.reason,
        demo: true,
      }));
      await this.db.write(async (manager) => {
        const head = await ledger.lockHead(manager, plan.code);
        await ledger.append(manager, head, drafts);
      });
      count += drafts.length;
    }
    return count;
  }
}
