import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { UsersService, UserView } from '../users/users.service';
import { AuditService } from './audit.service';
import { verifyPassword } from './password-hasher';
import { TokenService } from './token.service';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  user: UserView;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async login(username: string, password: string, ip: string | null): Promise<LoginResult> {
    const normalized = username.trim().toLowerCase();
    const user = await this.users.findByUsername(normalized);
    // Verify against a stored hash even for an unknown user, so timing does not tell who exists.
    const hash = user?.passwordHash ?? (await this.users.dummyHash());
    const passwordOk = await verifyPassword(password, hash);
    if (!user || !passwordOk || user.disabled) {
      await this.audit.record({
        action: 'login.failed',
        actorUsername: normalized,
        actor: user ? { id: user.id, username: user.username } : null,
        ip,
        detail: { reason: !user ? 'unknown-user' : user.disabled ? 'disabled' : 'wrong-password' },
      });
      throw new DomainError('INVALID_CREDENTIALS', 'Invalid username or password');
    }
    const accessToken = await this.tokens.sign(user.id, user.tokenVersion);
    await this.audit.record({ action: 'login.succeeded', actor: user, ip });
    const expiresAt = new Date(
      this.clock.nowMs() + this.config.auth.jwtTtlSeconds * 1000,
    ).toISOString();
    return { accessToken, tokenType: 'Bearer', expiresAt, user: this.users.view(user) };
  }
}
