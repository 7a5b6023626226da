import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { UsersService } from '../users/users.service';
import { AuditService } from './audit.service';
import { LoginAudit } from './login-audit';
import { LoginLimiter } from './login-limiter';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { LoginResult } from './login.view';

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly loginAudit: LoginAudit,
    private readonly limiter: LoginLimiter,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  /** `ip`: the client's address as the trusted proxies tell it (TRUSTED_PROXIES), else the socket's. */
  async login(username: string, password: string, ip: string | null): Promise<LoginResult> {
    const normalized = username.trim().toLowerCase();
    const address = ip ?? 'unknown';
    // The limits run before any hashing, so a flood costs no scrypt once it is refused.
    const ticket = await this.limiter.begin(address, normalized);
    let user: Awaited<ReturnType<UsersService['findByUsername']>>;
    let passwordOk: boolean;
    try {
      user = await this.users.findByUsername(normalized);
      // Verify against a hash of the same cost even for an unknown user: timing tells nobody apart.
      const hash = user?.passwordHash ?? this.hasher.unknownUserHash;
      passwordOk = await this.hasher.verify(password, hash);
    } catch (error) {
      await ticket.cancel();
      throw error;
    }
    if (!user || !passwordOk || user.disabled) {
      await this.loginAudit.failed(
        address,
        normalized,
        !user ? 'unknown-user' : user.disabled ? 'disabled' : 'wrong-password',
        user ? { id: user.id, username: user.username } : null,
      );
      // Only the one who knows the password learns the account is disabled, so they can ask an
      // admin instead of retrying; to anyone else it is a wrong password like any other.
      if (user?.disabled && passwordOk) {
        throw new DomainError('ACCOUNT_DISABLED', 'This account is disabled; ask an administrator');
      }
      throw new DomainError('INVALID_CREDENTIALS', 'Invalid username or password');
    }
    await ticket.succeeded();
    const accessToken = await this.tokens.sign(user.id, user.tokenVersion);
    await this.audit.record({ action: 'login.succeeded', actor: user, ip });
    const expiresAt = new Date(
      this.clock.nowMs() + this.config.auth.jwtTtlSeconds * 1000,
    ).toISOString();
    return { accessToken, tokenType: 'Bearer', expiresAt, user: this.users.view(user) };
  }
}

export { LoginResult } from './login.view';
