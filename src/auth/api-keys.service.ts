import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { Db } from '../database/db.service';
import { AuditService } from './audit.service';
import { AuthUser } from './auth-user';
import { ApiKey } from './entities/api-key.entity';
import { CreatedApiKey } from './api-key.view';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Keys for the open statistics feed: each reads one province's statistics, nothing else. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(provinceCode: string, name: string, actor: AuthUser): Promise<CreatedApiKey> {
    const key = `lxk_${randomBytes(32).toString('base64url')}`;
    const row: ApiKey = {
      id: randomUUID(),
      provinceCode,
      name,
      keyHash: sha256(key),
      createdBy: actor.id,
      createdAt: this.clock.now(),
    };
    await this.db.write(async (manager) => {
      await manager.insert(ApiKey, row);
      await this.audit.record(
        {
          action: 'auth.api-key.created',
          actor,
          targetType: 'api_key',
          targetId: row.id,
          provinceCode,
          detail: { name },
        },
        manager,
      );
    });
    return { id: row.id, provinceCode, name, key, createdAt: row.createdAt.toISOString() };
  }

  /**
   * The caller a key stands for: a read-only reader of its province (the scope checks of a
   * monitor), on the routes that take keys only.
   */
  async principal(key: string): Promise<AuthUser | null> {
    const row = await this.db.manager.findOneBy(ApiKey, { keyHash: sha256(key) });
    if (!row) return null;
    return {
      id: row.id,
      username: `api-key:${row.name}`,
      role: 'monitor',
      communeCode: null,
      provinceCode: row.provinceCode,
    };
  }
}

export { CreatedApiKey } from './api-key.view';
