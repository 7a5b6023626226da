import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { newId } from '../common/ids';
import { Db } from '../database/db.service';
import { NoticeKind, UserNotice } from './entities/user-notice.entity';

export interface NewNotice {
  userId: string;
  kind: NoticeKind;
  bulletinId: string | null;
  title: string;
  reason: string | null;
  actorId: string | null;
  actorName: string | null;
}

/** Each user's notices. Written inside the transaction of the change they report. */
@Injectable()
export class NoticesRepository {
  constructor(private readonly db: Db) {}

  async add(manager: EntityManager, notices: readonly NewNotice[], now: Date): Promise<void> {
    if (notices.length === 0) return;
    await manager.insert(
      UserNotice,
      notices.map((notice) => ({ ...notice, id: newId(), createdAt: now, readAt: null })),
    );
  }

  latest(userId: string, limit: number, unreadOnly: boolean): Promise<UserNotice[]> {
    return this.db.manager.find(UserNotice, {
      where: { userId, ...(unreadOnly ? { readAt: IsNull() } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  unreadCount(userId: string): Promise<number> {
    return this.db.manager.countBy(UserNotice, { userId, readAt: IsNull() });
  }

  /** Marks the user's notices read (the given ones, or all); returns how many changed. */
  async markRead(userId: string, ids: readonly string[] | undefined, now: Date): Promise<number> {
    return this.db.write(async (manager) => {
      const result = await manager.update(
        UserNotice,
        { userId, readAt: IsNull(), ...(ids ? { id: In([...ids]) } : {}) },
        { readAt: now },
      );
      return result.affected ?? 0;
    });
  }
}
