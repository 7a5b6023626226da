import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { changedFields } from '../auth/audit-changes';
import { AuditService } from '../auth/audit.service';
import { AuthUser } from '../auth/auth-user';
import { PasswordHasher } from '../auth/password-hasher';
import { Clock } from '../common/clock';
import { GroupCommit, Settled } from '../common/group-commit';
import { DomainError } from '../common/domain-error';
import { placeholders, selectRows, sqlBoolean } from '../database/bulk-insert';
import { Db } from '../database/db.service';
import { GeoService } from '../geo/geo.service';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto';
import { User, UserRole } from './entities/user.entity';
import { UserView } from './user.view';
import { changedText } from '../common/text';

/** What a user edit may change, as the audit trail lists it (never the password's hash). */
const USER_FIELDS = [
  'role',
  'communeCode',
  'provinceCode',
  'disabled',
  'displayName',
] as const satisfies readonly (keyof User)[];

/** Ids read in one query at most (well under the bound parameters of either database). */
const MAX_ACTIVE_READ = 500;

/** An active user as a token's check needs them. */
export interface ActiveUser extends AuthUser {
  tokenVersion: number;
}

interface ActiveUserRow {
  id: string;
  username: string;
  role: UserRole;
  commune_code: string | null;
  province_code: string | null;
  token_version: number | string;
}

interface Scope {
  communeCode: string | null;
  provinceCode: string | null;
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);
  private readonly activeReads = new GroupCommit<string, ActiveUser | null>(
    (ids) => this.readActive(ids),
    MAX_ACTIVE_READ,
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Creates the first admin from ADMIN_USERNAME / ADMIN_PASSWORD when no admin exists. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminUsername, adminPassword } = this.config.auth;
    if (!adminUsername || !adminPassword) return;
    const admins = await this.db.manager.countBy(User, { role: 'admin' });
    if (admins > 0) return;
    const passwordHash = await this.hasher.hash(adminPassword);
    await this.db.write(async (manager) => {
      if ((await manager.countBy(User, { role: 'admin' })) > 0) return;
      if (await manager.findOneBy(User, { username: adminUsername.toLowerCase() })) return;
      const now = this.clock.now();
      await manager.insert(User, {
        id: newId(),
        username: adminUsername.toLowerCase(),
        passwordHash,
        role: 'admin',
        displayName: 'Quản trị hệ thống',
        communeCode: null,
        provinceCode: null,
        disabled: false,
        tokenVersion: 0,
        createdAt: now,
        updatedAt: now,
      });
      this.logger.log(`Created the first admin "${adminUsername}"`);
    });
  }

  view(user: User): UserView {
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      displayName: user.displayName,
      communeCode: user.communeCode,
      provinceCode: user.provinceCode,
      disabled: user.disabled,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }

  findByUsername(username: string): Promise<User | null> {
    return this.db.manager.findOneBy(User, { username });
  }

  /**
   * The user behind a token, if not disabled: who they are and their token version, read on every
   * authenticated request, so a revocation (a new version, or disabled) counts at once. Reads
   * asked for while one runs go together in the next (each is still read after it was asked for):
   * with many clients posting at once, one query serves many requests (bench/posts.bench.ts).
   */
  findActive(id: string): Promise<ActiveUser | null> {
    return this.activeReads.submit(id);
  }

  /** One plain query for many ids: TypeORM's `findOneBy` spent ~0.1 ms of CPU building each. */
  private async readActive(ids: readonly string[]): Promise<Settled<ActiveUser | null>[]> {
    const manager = this.db.manager;
    const distinct = [...new Set(ids)];
    // Prepared once on SQLite and run again (`selectRows`): every authenticated request reads it.
    const rows = await selectRows<ActiveUserRow>(
      manager,
      'SELECT id, username, role, commune_code, province_code, token_version FROM "user" ' +
        `WHERE id IN (${placeholders(distinct.length)}) AND disabled = ?`,
      [...distinct, sqlBoolean(manager, false)],
    );
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => {
      const row = found.get(id);
      return {
        ok: true,
        value: row
          ? {
              id: row.id,
              username: row.username,
              role: row.role,
              communeCode: row.commune_code,
              provinceCode: row.province_code,
              tokenVersion: Number(row.token_version),
            }
          : null,
      };
    });
  }

  /**
   * Why a signed token's user is not active: locked by an admin, or gone. Asked only when a token
   * is refused, to tell its holder (who held a valid token of the account) why the session ended.
   */
  async inactiveReason(id: string): Promise<'account-disabled' | 'account-deleted'> {
    const user = await this.db.manager.findOne(User, { where: { id }, select: { disabled: true } });
    return user?.disabled ? 'account-disabled' : 'account-deleted';
  }

  async get(id: string): Promise<User> {
    const user = await this.db.manager.findOneBy(User, { id });
    if (!user) throw new DomainError('USER_NOT_FOUND', `User ${id} not found`, { id });
    return user;
  }

  list(query: ListUsersQueryDto): Promise<User[]> {
    return this.db.manager.find(User, {
      where: {
        ...(query.role ? { role: query.role } : {}),
        ...(query.province ? { provinceCode: query.province } : {}),
        ...(query.commune ? { communeCode: query.commune } : {}),
      },
      order: { username: 'ASC' },
    });
  }

  async create(input: CreateUserDto, actor: AuthUser): Promise<User> {
    const scope = this.scopeFor(input.role, input.communeCode, input.provinceCode);
    const passwordHash = await this.hasher.hash(input.password);
    return this.db.write(async (manager) => {
      if (await manager.findOneBy(User, { username: input.username })) {
        throw new DomainError('USERNAME_TAKEN', `Username ${input.username} is taken`, {
          username: input.username,
        });
      }
      const now = this.clock.now();
      const user: User = {
        id: newId(),
        username: input.username,
        passwordHash,
        role: input.role,
        displayName: input.displayName || null,
        ...scope,
        disabled: false,
        tokenVersion: 0,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(User, user);
      await this.audit.record(
        {
          action: 'user.created',
          actor,
          targetType: 'user',
          targetId: user.id,
          ...scope,
          detail: { username: user.username, role: user.role },
        },
        manager,
      );
      return user;
    });
  }

  async update(id: string, input: UpdateUserDto, actor: AuthUser): Promise<User> {
    const passwordHash =
      input.password === undefined ? undefined : await this.hasher.hash(input.password);
    return this.db.write(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user) throw new DomainError('USER_NOT_FOUND', `User ${id} not found`, { id });
      const role = input.role ?? user.role;
      const roleChanged = role !== user.role;
      const scope = this.scopeFor(
        role,
        input.communeCode ?? (roleChanged ? undefined : (user.communeCode ?? undefined)),
        input.provinceCode ??
          (roleChanged || input.communeCode ? undefined : (user.provinceCode ?? undefined)),
      );
      const disabled = input.disabled ?? user.disabled;
      if (user.role === 'admin' && (role !== 'admin' || disabled)) {
        await this.assertAnotherAdmin(manager, user.id);
      }
      const before = { ...user };
      const revokeTokens =
        passwordHash !== undefined ||
        disabled ||
        roleChanged ||
        scope.communeCode !== user.communeCode ||
        scope.provinceCode !== user.provinceCode;
      Object.assign(user, {
        role,
        ...scope,
        disabled,
        displayName: changedText(input.displayName, user.displayName),
        passwordHash: passwordHash ?? user.passwordHash,
        tokenVersion: revokeTokens ? user.tokenVersion + 1 : user.tokenVersion,
        updatedAt: this.clock.now(),
      });
      await manager.save(User, user);
      await this.audit.record(
        {
          action: 'user.updated',
          actor,
          targetType: 'user',
          targetId: user.id,
          ...scope,
          detail: {
            username: user.username,
            // The password's hash is no one's to read, not even in the trail: only that it changed.
            changes: changedFields(before, user, USER_FIELDS),
            ...(passwordHash ? { passwordChanged: true } : {}),
          },
        },
        manager,
      );
      return user;
    });
  }

  async remove(id: string, actor: AuthUser): Promise<void> {
    if (id === actor.id)
      throw new DomainError('USER_SELF_DELETE', 'An admin cannot delete their own account');
    await this.db.write(async (manager) => {
      const user = await manager.findOneBy(User, { id });
      if (!user) throw new DomainError('USER_NOT_FOUND', `User ${id} not found`, { id });
      if (user.role === 'admin') await this.assertAnotherAdmin(manager, user.id);
      await manager.delete(User, { id });
      await this.audit.record(
        {
          action: 'user.deleted',
          actor,
          targetType: 'user',
          targetId: id,
          communeCode: user.communeCode,
          provinceCode: user.provinceCode,
          detail: { username: user.username, role: user.role },
        },
        manager,
      );
    });
  }

  private async assertAnotherAdmin(manager: EntityManager, exceptId: string): Promise<void> {
    const admins = await manager.findBy(User, { role: 'admin', disabled: false });
    if (!admins.some((admin) => admin.id !== exceptId)) {
      throw new DomainError(
        'USER_LAST_ADMIN',
        'The last active admin cannot be removed, disabled or demoted',
      );
    }
  }

  /** Which commune and province a role is bound to; rejects combinations that make no sense. */
  private scopeFor(role: UserRole, communeCode?: string, provinceCode?: string): Scope {
    switch (role) {
      case 'admin':
        if (communeCode || provinceCode) {
          throw new DomainError(
            'VALIDATION_FAILED',
            'An admin is not bound to a commune or province',
          );
        }
        return { communeCode: null, provinceCode: null };
      case 'monitor':
        if (communeCode)
          throw new DomainError(
            'VALIDATION_FAILED',
            'A monitor is bound to a province, not a commune',
          );
        if (!provinceCode)
          throw new DomainError('VALIDATION_FAILED', 'A monitor needs provinceCode');
        this.geo.province(provinceCode);
        return { communeCode: null, provinceCode };
      case 'operator':
      case 'approver': {
        if (!communeCode)
          throw new DomainError('VALIDATION_FAILED', `An ${role} needs communeCode`);
        const commune = this.geo.commune(communeCode);
        if (provinceCode && provinceCode !== commune.provinceCode) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `Commune ${communeCode} is not in province ${provinceCode}`,
          );
        }
        return { communeCode, provinceCode: commune.provinceCode };
      }
    }
  }
}

export { UserView } from './user.view';
