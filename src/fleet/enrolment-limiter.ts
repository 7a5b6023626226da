import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ADDRESS_SCRIPT, limitedAddress } from '../auth/login-limiter';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisClient } from '../queue/redis-client.provider';

export interface EnrolmentTicket {
  /** The code was good: the attempt no longer counts. */
  succeeded(): Promise<void>;
}

/**
 * At most DEVICE_ENROL_THROTTLE_LIMIT failed enrolments per client address in
 * DEVICE_ENROL_THROTTLE_TTL_SECONDS, counted in Redis like failed logins (the login limiter's
 * sliding window), so guessing codes from one address stops quickly on every instance.
 */
@Injectable()
export class EnrolmentLimiter {
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisClient,
    private readonly clock: Clock,
  ) {
    this.prefix = `${config.redis.prefix}:enrol`;
  }

  async begin(ip: string): Promise<EnrolmentTicket> {
    const address = limitedAddress(ip);
    const key = `${this.prefix}:address:${address}`;
    const member = `${this.clock.nowMs()}:${randomBytes(6).toString('hex')}`;
    let wait: number;
    try {
      wait = Number(
        await this.redis.client.eval(
          ADDRESS_SCRIPT,
          2,
          key,
          `${this.prefix}:address-refused:${address}`,
          this.clock.nowMs(),
          this.config.fleet.enrolThrottleTtlSeconds * 1000,
          this.config.fleet.enrolThrottleLimit,
          member,
        ),
      );
    } catch (error) {
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        `Enrolment is unavailable: the attempt limiter cannot reach Redis (${(error as Error).message})`,
        { retryAfterSeconds: 5 },
      );
    }
    if (wait !== 0) {
      throw new DomainError(
        'ENROLMENT_RATE_LIMITED',
        'Too many failed enrolments from this address; try again later',
        { retryAfterSeconds: Math.max(1, Math.ceil(Math.abs(wait) / 1000)) },
      );
    }
    return {
      succeeded: async () => {
        await this.redis.client.zrem(key, member).catch(() => undefined);
      },
    };
  }
}
