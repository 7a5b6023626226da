import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { localDateOf } from '../common/local-time';
import { campaignView, CampaignsService, CampaignView } from './campaigns.service';
import { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';
import { Campaign } from './entities/campaign.entity';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly clock: Clock,
  ) {}

  private view(campaign: Campaign): CampaignView {
    return campaignView(campaign, localDateOf(this.clock.now()));
  }

  /** National campaigns and the caller's province's (admins: all), each running, ended or upcoming. */
  @Get()
  async list(@CurrentUser() actor: AuthUser): Promise<CampaignView[]> {
    return (await this.campaigns.list(actor)).map((campaign) => this.view(campaign));
  }

  /** 404 for another province's campaign, as for one that does not exist. */
  @Get(':code')
  async get(@Param('code') code: string, @CurrentUser() actor: AuthUser): Promise<CampaignView> {
    return this.view(await this.campaigns.getFor(code, actor));
  }

  /** A monitor creates a campaign of their province; an admin a national one or any province's. */
  @Roles('admin', 'monitor')
  @Post()
  async create(
    @Body() body: CreateCampaignDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CampaignView> {
    return this.view(await this.campaigns.create(body, actor));
  }

  /** Admins change any campaign, a monitor their province's (a national one: 403). */
  @Roles('admin', 'monitor')
  @Patch(':code')
  async update(
    @Param('code') code: string,
    @Body() body: UpdateCampaignDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CampaignView> {
    return this.view(await this.campaigns.update(code, body, actor));
  }
}
