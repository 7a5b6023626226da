import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisClient } from '../queue/redis-client.provider';
import { LoginAudit } from './login-audit';

/**
 * Sliding window of failed logins per address: members are attempts (scored by time); an attempt
 * is reserved before the password is hashed and removed again when it succeeds. Returns 0 when the
 * attempt may go on, else the milliseconds until the oldest failure leaves the window, negated
 * when this is the first refusal of the window.
 */
export const ADDRESS_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = math.max(tonumber(oldest[2]) + window - now, 1)
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', math.ceil(wait)) then return -wait end
  return wait
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

/**
 * Failures of one username from any address: after \`free\` of them each next attempt waits
 * base × 2^(failures − free), up to max, counted from the last failure. The attempt is counted
 * before hashing (so parallel attempts cannot all pass) and the count cleared on success.
 * Same return convention as the address script.
 */
const USERNAME_SCRIPT = `
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local failures = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
if failures >= free then
  local delay = math.min(base * math.pow(2, failures - free), max)
  local wait = last + delay - now
  if wait > 0 then
    if redis.call('SET', KEYS[2], '1', 'NX', 'PX', math.ceil(wait)) then return -wait end
    return wait
  end
end
redis.call('HSET', KEYS[1], 'f', failures + 1, 't', now)
redis.call('PEXPIRE', KEYS[1], ttl)
return 0
`;

/**
 * The address a limit counts: an IPv4 address as such (also when IPv4-mapped), an IPv6 address by
 * its /64, since one client usually holds a whole /64 and could otherwise change address at will.
 */
export function limitedAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
        ...tailGroups,
      ]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** A username's failure count is forgotten this long after its last failure. */
const USERNAME_MEMORY_MS = 24 * 3600 * 1000;

export interface LoginTicket {
  /** The password was right: the attempt no longer counts as a failure. */
  succeeded(): Promise<void>;
  /** The attempt did not happen (the hasher was busy): give its place back. */
  cancel(): Promise<void>;
}

/**
 * Limits login attempts before any password is hashed: at most LOGIN_THROTTLE_LIMIT failures per
 * client address in LOGIN_THROTTLE_TTL_SECONDS whatever the usernames, and growing delays per
 * username whatever the addresses. The counts live in Redis (under REDIS_PREFIX), so every
 * instance behind a load balancer applies the same limits. Without Redis no login is tried
 * (503): a limiter that forgets would let a flood through.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger(LoginLimiter.name);
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisClient,
    private readonly audit: LoginAudit,
    private readonly clock: Clock,
  ) {
    this.prefix = `${config.redis.prefix}:login`;
  }

  async begin(ip: string, username: string): Promise<LoginTicket> {
    const auth = this.config.auth;
    const now = this.clock.nowMs();
    const addressKey = `${this.prefix}:address:${limitedAddress(ip)}`;
    const userKey = `${this.prefix}:user:${username}`;
    const member = `${now}:${randomBytes(6).toString('hex')}`;

    const addressWait = Number(
      await this.call(() =>
        this.redis.client.eval(
          ADDRESS_SCRIPT,
          2,
          addressKey,
          `${this.prefix}:address-refused:${limitedAddress(ip)}`,
          now,
          auth.loginThrottleTtlSeconds * 1000,
          auth.loginThrottleLimit,
          member,
        ),
      ),
    );
    if (addressWait !== 0) {
      await this.refuse('address', addressWait, ip, username);
    }

    const userWait = Number(
      await this.call(() =>
        this.redis.client.eval(
          USERNAME_SCRIPT,
          2,
          userKey,
          `${this.prefix}:user-refused:${username}`,
          now,
          auth.loginUsernameFreeFailures,
          auth.loginUsernameBaseDelaySeconds * 1000,
          auth.loginUsernameMaxDelaySeconds * 1000,
          USERNAME_MEMORY_MS,
        ),
      ),
    );
    if (userWait !== 0) {
      // No password is tried: the address keeps its place.
      await this.call(() => this.redis.client.zrem(addressKey, member));
      await this.refuse('username', userWait, ip, username);
    }

    return {
      // Giving a place back is a courtesy: if Redis fails now, the attempt just keeps counting.
      succeeded: () =>
        this.quietly(this.redis.client.multi().zrem(addressKey, member).del(userKey).exec()),
      cancel: () =>
        this.quietly(
          this.redis.client.multi().zrem(addressKey, member).hincrby(userKey, 'f', -1).exec(),
        ),
    };
  }

  private async refuse(
    scope: 'address' | 'username',
    wait: number,
    ip: string,
    username: string,
  ): Promise<never> {
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.abs(wait) / 1000));
    // One audit row when a limit starts refusing, not one per refused attempt.
    if (wait < 0) await this.audit.rateLimited(scope, ip, username, retryAfterSeconds);
    throw new DomainError(
      'LOGIN_RATE_LIMITED',
      scope === 'address'
        ? 'Too many failed logins from this address; try again later'
        : 'Too many failed logins for this username; try again later',
      { retryAfterSeconds },
    );
  }

  private async quietly(command: Promise<unknown>): Promise<void> {
    try {
      await command;
    } catch (error) {
      this.logger.warn(`Login limiter: ${(error as Error).message}`);
    }
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new DomainError(
        'LOGIN_LIMITER_UNAVAILABLE',
        `Login is unavailable: the attempt limiter cannot reach Redis (${(error as Error).message})`,
        { retryAfterSeconds: 5 },
      );
    }
  }
}
