import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { ListNoticesQueryDto, MarkNoticesReadDto } from './dto/notice.dto';
import { NoticeListView, NoticesReadView, noticeView } from './notice.view';
import { NoticesRepository } from './notices.repository';

/** The caller's own notices (any role): newest first, with the unread count the menu shows. */
@ApiTags('notices')
@ApiBearerAuth()
@Controller('notices')
export class NoticesController {
  constructor(
    private readonly notices: NoticesRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(
    @Query() query: ListNoticesQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<NoticeListView> {
    const [items, unread] = await Promise.all([
      this.notices.latest(actor.id, query.limit ?? 50, query.unread ?? false),
      this.notices.unreadCount(actor.id),
    ]);
    return { unread, items: items.map(noticeView) };
  }

  @HttpCode(200)
  @Post('read')
  async markRead(
    @Body() body: MarkNoticesReadDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<NoticesReadView> {
    const marked = await this.notices.markRead(actor.id, body.ids, this.clock.now());
    return { marked, unread: await this.notices.unreadCount(actor.id) };
  }
}
