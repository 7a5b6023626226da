import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { CreateTopicDto, UpdateTopicDto } from './dto/topic.dto';
import { Topic } from './entities/topic.entity';
import { TopicsService } from './topics.service';
import { TopicView } from './topic.view';

function view(topic: Topic): TopicView {
  return { code: topic.code, name: topic.name, description: topic.description };
}

@ApiTags('topics')
@ApiBearerAuth()
@Controller('topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Get()
  async list(): Promise<TopicView[]> {
    return (await this.topics.list()).map(view);
  }

  @Get(':code')
  async get(@Param('code') code: string): Promise<TopicView> {
    return view(await this.topics.get(code));
  }

  @Roles('admin')
  @Post()
  async create(@Body() body: CreateTopicDto, @CurrentUser() actor: AuthUser): Promise<TopicView> {
    return view(await this.topics.create(body, actor));
  }

  @Roles('admin')
  @Patch(':code')
  async update(
    @Param('code') code: string,
    @Body() body: UpdateTopicDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<TopicView> {
    return view(await this.topics.update(code, body, actor));
  }
}

export { TopicView } from './topic.view';
