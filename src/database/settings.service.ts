import { Injectable } from '@nestjs/common';
import { Db } from './db.service';
import { AppSetting } from './app-setting.entity';

@Injectable()
export class SettingsService {
  constructor(private readonly db: Db) {}

  /** The stored value of `key`; on first use, `create()` makes it and every instance then shares it. */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.db.manager.findOneBy(AppSetting, { key });
    if (existing) return existing.value;
    return this.db.write(async (manager) => {
      const again = await manager.findOneBy(AppSetting, { key });
      if (again) return again.value;
      await manager
        .createQueryBuilder()
        .insert()
        .into(AppSetting)
        .values({ key, value: create() })
        .orIgnore()
        .execute();
      const stored = await manager.findOneByOrFail(AppSetting, { key });
      return stored.value;
    });
  }
}
