import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { GeoService } from '../geo/geo.service';
import { CurrentUser, Roles } from './access.decorators';
import { AuthUser } from './auth-user';
import { ApiKeysService, CreatedApiKey } from './api-keys.service';
import { NOT_BLANK, PlainText, Trimmed } from '../common/text';

export class CreateApiKeyDto {
  @Matches(/^\d{2}$/, { message: 'provinceCode must be a 2-digit province code' })
  provinceCode!: string;

  @Trimmed()
  @IsString()
  @PlainText()
  @MinLength(1, NOT_BLANK)
  @MaxLength(200)
  name!: string;
}

/** Keys for the open statistics feed (admins). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly geo: GeoService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "A key that reads one province's statistics feed, shown once" })
  create(@Body() body: CreateApiKeyDto, @CurrentUser() actor: AuthUser): Promise<CreatedApiKey> {
    return this.keys.create(this.geo.province(body.provinceCode).code, body.name, actor);
  }
}
