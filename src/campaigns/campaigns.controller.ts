import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { campaignView, CampaignsService, CampaignView } from './campaigns.service';
import { CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get()
  async list(): Promise<CampaignView[]> {
    return (await this.campaigns.list()).map(campaignView);
  }

  @Get(':code')
  async get(@Param('code') code: string): Promise<CampaignView> {
    return campaignView(await this.campaigns.get(code));
  }

  @Roles('admin', 'monitor')
  @Post()
  async create(
    @Body() body: CreateCampaignDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CampaignView> {
    return campaignView(await this.campaigns.create(body, actor));
  }

  @Roles('admin', 'monitor')
  @Patch(':code')
  async update(
    @Param('code') code: string,
    @Body() body: UpdateCampaignDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CampaignView> {
    return campaignView(await this.campaigns.update(code, body, actor));
  }
}
