import { Injectable } from '@nestjs/common';
import { Db } from './db.service';
import { AppSetting } from './app-setting.entity';

/**
 * Values the service keeps across restarts and instances. Never secrets: those live in files
 * (JWT_SECRET_FILE); an old secret found here is moved out at start (`jwt-secret.ts`).
 */
@Injectable()
export class SettingsService {
  constructor(private readonly db: Db) {}

  /** The stored value of `key`, or undefined; the value stays. */
  async get(key: string): Promise<string | undefined> {
    return (await this.db.manager.findOneBy(AppSetting, { key }))?.value;
  }

  async delete(key: string): Promise<void> {
    await this.db.write((manager) => manager.delete(AppSetting, { key }));
  }
}
