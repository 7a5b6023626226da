import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { CreateWindowDto, DropItemsQueryDto, UpdateWindowDto } from './dto/window.dto';
import { WindowChangeView, WindowDeletedView, WindowsService } from './windows.service';
import { WindowView, WindowWithPolicyView } from './window.view';

@ApiTags('schedule')
@ApiBearerAuth()
@CommuneScope()
@Controller('communes/:commune/windows')
export class WindowsController {
  constructor(private readonly windows: WindowsService) {}

  @Post()
  create(
    @Param('commune') commune: string,
    @Body() body: CreateWindowDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<WindowView> {
    return this.windows.create(commune, body, actor);
  }

  @Get()
  list(@Param('commune') commune: string): Promise<WindowWithPolicyView[]> {
    return this.windows.list(commune);
  }

  @Get(':id')
  get(
    @Param('commune') commune: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<WindowWithPolicyView> {
    return this.windows.get(commune, id);
  }

  /** 409 naming the items a change would leave outside, unless `?moveItems` / `?dropItems`; `?dryRun` writes nothing. */
  @Patch(':id')
  update(
    @Param('commune') commune: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWindowDto,
    @Query() query: DropItemsQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<WindowChangeView> {
    return this.windows.update(commune, id, body, query, actor);
  }

  /** 409 naming the items left outside every window, unless `?dropItems=true`; `?dryRun` writes nothing. */
  @Delete(':id')
  delete(
    @Param('commune') commune: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: DropItemsQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<WindowDeletedView> {
    return this.windows.delete(commune, id, query, actor);
  }
}
