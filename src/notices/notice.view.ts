import { formatLocalInstant } from '../common/local-time';
import { NoticeKind, UserNotice } from './entities/user-notice.entity';

export class NoticeView {
  id!: string;
  kind!: NoticeKind;
  bulletinId!: string | null;
  title!: string;
  reason!: string | null;
  actorName!: string | null;
  createdAt!: string;
  read!: boolean;
}

export class NoticeListView {
  unread!: number;
  items!: NoticeView[];
}

export function noticeView(notice: UserNotice): NoticeView {
  return {
    id: notice.id,
    kind: notice.kind,
    bulletinId: notice.bulletinId,
    title: notice.title,
    reason: notice.reason,
    actorName: notice.actorName,
    createdAt: formatLocalInstant(notice.createdAt),
    read: notice.readAt !== null,
  };
}

/** `POST /notices/read`: how many were marked, how many stay unread. */
export class NoticesReadView {
  marked!: number;
  unread!: number;
}
