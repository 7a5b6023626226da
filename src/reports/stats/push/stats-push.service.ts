import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { In } from 'typeorm';
import { Clock } from '../../../common/clock';
import { newId } from '../../../common/ids';
import { addDays, eachDate, localDateOf } from '../../../common/local-time';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { Db } from '../../../database/db.service';
import { jobOptions, QueueName } from '../../../queue/queue.constants';
import { StatsFeedDto } from '../dto/stats-feed.dto';
import { StatsPushDelivery } from '../entities/stats-push-delivery.entity';
import { StatsPushTarget } from '../entities/stats-push-target.entity';
import { StatsService } from '../stats.service';
import { StatsPushClient } from './stats-push.client';
import { pushStep } from './stats-push-plan';
import {
  contentHash,
  idempotencyKey,
  SIGNATURE_HEADER,
  signatureHeader,
} from './stats-push-signature';
import { StatsPushTargetsService } from './stats-push-targets.service';

export interface SweepResult {
  /** New deliveries: first revisions of finished days and new revisions of corrected ones. */
  created: number;
  /** Delivery jobs queued (new, or not yet delivered). */
  queued: number;
}

/** The day's part of a province's feed, as pushed. */
function dayFeed(feed: StatsFeedDto, date: string, generatedAt: string): StatsFeedDto {
  return {
    ...feed,
    from: date,
    to: date,
    generatedAt,
    days: feed.days.filter((day) => day.date === date),
  };
}

/**
 * The daily push of the statistics feed. A sweep (a BullMQ job scheduler on the maintenance
 * queue, once across instances) builds each finished day of every configured province within the
 * lookback: a day never delivered gets revision 1; a day whose numbers changed since its last
 * delivered revision (a later correction) gets the next revision; an unchanged day gets nothing.
 * Each revision is one delivery job (deterministic id) that POSTs the stored body, signed, and is
 * retried with exponential backoff. The database says what was delivered, so a restart or an
 * emptied Redis resends nothing delivered.
 */
@Injectable()
export class StatsPushService {
  private readonly logger = new Logger(StatsPushService.name);

  constructor(
    private readonly db: Db,
    private readonly stats: StatsService,
    private readonly targets: StatsPushTargetsService,
    private readonly client: StatsPushClient,
    private readonly clock: Clock,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { created: 0, queued: 0 };
    for (const target of await this.targets.targets()) {
      const part = await this.sweepProvince(target);
      result.created += part.created;
      result.queued += part.queued;
    }
    return result;
  }

  /**
   * Sends one delivery. A failure throws (the queue retries it); on the last attempt the delivery
   * is marked `failed` first. A delivery already delivered is not sent again.
   */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<void> {
    const delivery = await this.db.manager.findOneBy(StatsPushDelivery, { id: deliveryId });
    if (!delivery || delivery.status === 'delivered') return;
    const target = await this.db.manager.findOneBy(StatsPushTarget, {
      provinceCode: delivery.provinceCode,
    });
    if (!target) return;
    const now = this.clock.now();
    const answer = await this.client.post(target.url, delivery.body, {
      'Idempotency-Key': idempotencyKey(
        delivery.provinceCode,
        delivery.localDate,
        delivery.revision,
      ),
      'X-Loa-Xa-Day': delivery.localDate,
      'X-Loa-Xa-Revision': String(delivery.revision),
      [SIGNATURE_HEADER]: signatureHeader(delivery.body, await this.targets.secretOf(target), now),
    });
    const ok = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
    const error = ok ? null : (answer.error ?? `HTTP ${answer.statusCode}`).slice(0, 500);
    await this.db.write((manager) =>
      manager.update(
        StatsPushDelivery,
        { id: delivery.id, status: In(['pending', 'failed']) },
        {
          status: ok ? 'delivered' : lastAttempt ? 'failed' : delivery.status,
          attempts: delivery.attempts + 1,
          lastStatusCode: answer.statusCode,
          lastError: error,
          lastAttemptAt: now,
          deliveredAt: ok ? now : null,
        },
      ),
    );
    if (!ok) {
      throw new Error(
        `Statistics push of ${delivery.provinceCode} ${delivery.localDate} r${delivery.revision} to ${target.url}: ${error}`,
      );
    }
  }

  private async sweepProvince(target: StatsPushTarget): Promise<SweepResult> {
    const now = this.clock.now();
    const lastFinished = addDays(localDateOf(now), -1);
    const earliest = addDays(lastFinished, 1 - this.config.reports.statsPushLookbackDays);
    const from = target.startsOn > earliest ? target.startsOn : earliest;
    if (from > lastFinished) return { created: 0, queued: 0 };
    const feed = await this.stats.provinceDays(target.provinceCode, { from, to: lastFinished });
    const known = await this.db.manager.find(StatsPushDelivery, {
      where: { provinceCode: target.provinceCode, localDate: In(eachDate(from, lastFinished)) },
      order: { revision: 'ASC' },
    });
    const latest = new Map(known.map((delivery) => [delivery.localDate, delivery]));
    const toSend: StatsPushDelivery[] = [];
    let created = 0;
    for (const date of eachDate(from, lastFinished)) {
      const body = dayFeed(feed, date, now.toISOString());
      const hash = contentHash(body);
      const last = latest.get(date);
      const step = pushStep(last, hash);
      if (step === 'none') continue;
      if (last && step === 'resend') {
        toSend.push(last);
        continue;
      }
      if (last && step === 'update') {
        const changed = { contentHash: hash, body: JSON.stringify(body) };
        await this.db.write((manager) =>
          manager.update(StatsPushDelivery, { id: last.id }, changed),
        );
        toSend.push({ ...last, ...changed });
        continue;
      }
      const delivery: StatsPushDelivery = {
        id: newId(now.getTime()),
        provinceCode: target.provinceCode,
        localDate: date,
        revision: (last?.revision ?? 0) + 1,
        contentHash: hash,
        body: JSON.stringify(body),
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        lastAttemptAt: null,
        deliveredAt: null,
        createdAt: now,
      };
      await this.db.write((manager) => manager.insert(StatsPushDelivery, delivery));
      created += 1;
      toSend.push(delivery);
    }
    for (const delivery of toSend) await this.enqueue(delivery);
    if (created > 0) {
      this.logger.log(`Statistics push of ${target.provinceCode}: ${created} new day revision(s)`);
    }
    return { created, queued: toSend.length };
  }

  /** Queues the delivery's job; one that failed for good is replaced (another round of retries). */
  private async enqueue(delivery: StatsPushDelivery): Promise<void> {
    const payload = { deliveryId: delivery.id };
    const options = jobOptions('maintenance.stats-delivery', payload, {
      backoff: { type: 'exponential', delay: this.config.reports.statsPushRetryMs },
    });
    const existing = await this.queue.getJob(options.jobId as string);
    if (existing && (await existing.isFailed())) await existing.remove();
    await this.queue.add('maintenance.stats-delivery', payload, options);
  }
}
