import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { formatLocalInstant } from '../common/local-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Db } from '../database/db.service';
import { RedisClient } from '../queue/redis-client.provider';
import { AuditService } from './audit.service';

export type LoginFailureReason = 'unknown-user' | 'wrong-password' | 'disabled';

/** Usernames named in one aggregated row, at most (the address limit bounds them anyway). */
const MAX_USERNAMES = 50;

/**
 * Counts a failure in the address's current window (a new window once the last one has run its
 * length, by the service's clock) and returns 1 when this failure opened the window.
 */
const FAILURE_SCRIPT = `
local since = tonumber(redis.call('HGET', KEYS[1], 'since') or '0')
if since > 0 and tonumber(ARGV[2]) - since >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1], KEYS[2])
end
local created = redis.call('HSETNX', KEYS[1], 'id', ARGV[1])
if created == 1 then
  redis.call('HSET', KEYS[1], 'since', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('DEL', KEYS[2])
end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HINCRBY', KEYS[1], 'reason:' .. ARGV[5], 1)
if redis.call('SCARD', KEYS[2]) < tonumber(ARGV[6]) then redis.call('SADD', KEYS[2], ARGV[4]) end
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return created
`;

interface WindowState {
  id: string;
  since: number;
  failures: number;
  reasons: Record<string, number>;
  usernames: string[];
}

/**
 * Failed logins in the audit trail without a row per failure: one `login.failed` row per client
 * address and window (LOGIN_THROTTLE_TTL_SECONDS), written at the window's first failure and
 * brought up to date with its count, usernames and reasons as further failures come; the next
 * window gets a row of its own. A limit that starts refusing writes one `login.rate_limited` row.
 * The window state lives in Redis so several instances share one row.
 */
@Injectable()
export class LoginAudit {
  private readonly logger = new Logger(LoginAudit.name);
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisClient,
    private readonly audit: AuditService,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.prefix = `${config.redis.prefix}:login`;
  }

  async failed(
    ip: string,
    username: string,
    reason: LoginFailureReason,
    user: { id: string; username: string } | null,
  ): Promise<void> {
    try {
      await this.aggregate(ip, username, reason, user);
    } catch (error) {
      // Without Redis the failure is still recorded, on a row of its own.
      this.logger.warn(`Failed-login aggregation: ${(error as Error).message}`);
      await this.audit.record({
        action: 'login.failed',
        actorUsername: username,
        actor: user,
        ip,
        detail: { failures: 1, reasons: { [reason]: 1 }, usernames: [username] },
      });
    }
  }

  private async aggregate(
    ip: string,
    username: string,
    reason: LoginFailureReason,
    user: { id: string; username: string } | null,
  ): Promise<void> {
    const key = `${this.prefix}:audit:${ip}`;
    const usernamesKey = `${this.prefix}:audit-usernames:${ip}`;
    const now = this.clock.now();
    const created = Number(
      await this.redis.client.eval(
        FAILURE_SCRIPT,
        2,
        key,
        usernamesKey,
        newId(),
        now.getTime(),
        this.config.auth.loginThrottleTtlSeconds * 1000,
        username,
        reason,
        MAX_USERNAMES,
      ),
    );
    if (created === 1) {
      await this.db.write(async (manager) => {
        const state = await this.state(key, usernamesKey);
        if (!state) return;
        await this.audit.record(
          {
            id: state.id,
            action: 'login.failed',
            actorUsername: username,
            actor: user,
            ip,
            detail: this.detail(state, now),
          },
          manager,
        );
      });
    }
    // Also after the insert: a failure counted on another instance while the row was being
    // written found no row to update.
    await this.db.write(async (manager) => {
      const id = await this.redis.client.hget(key, 'id');
      // Under the row's lock (PostgreSQL) or the one writer (SQLite), each update reads a later
      // state than the one before it, so the count never goes back.
      if (!id || !(await this.audit.lockForUpdate(id, manager))) return;
      const state = await this.state(key, usernamesKey);
      if (!state || state.id !== id) return;
      await this.audit.updateDetail(
        id,
        {
          actorUsername: state.usernames.length === 1 ? state.usernames[0] : null,
          detail: this.detail(state, now),
        },
        manager,
      );
    });
  }

  async rateLimited(
    scope: 'address' | 'username',
    ip: string,
    username: string,
    retryAfterSeconds: number,
  ): Promise<void> {
    await this.audit.record({
      action: 'login.rate_limited',
      actorUsername: username,
      ip,
      detail: { scope, retryAfterSeconds },
    });
  }

  private detail(state: WindowState, lastAt: Date): Record<string, unknown> {
    return {
      failures: state.failures,
      reasons: state.reasons,
      usernames: state.usernames,
      since: formatLocalInstant(new Date(state.since)),
      lastAt: formatLocalInstant(lastAt),
    };
  }

  private async state(key: string, usernamesKey: string): Promise<WindowState | null> {
    const [hash, usernames] = await Promise.all([
      this.redis.client.hgetall(key),
      this.redis.client.smembers(usernamesKey),
    ]);
    if (!hash.id) return null;
    const reasons: Record<string, number> = {};
    for (const [field, value] of Object.entries(hash)) {
      if (field.startsWith('reason:')) reasons[field.slice('reason:'.length)] = Number(value);
    }
    return {
      id: hash.id,
      since: Number(hash.since),
      failures: Number(hash.n ?? 0),
      reasons,
      usernames: usernames.sort(),
    };
  }
}
