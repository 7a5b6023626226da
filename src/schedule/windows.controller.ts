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
import { ApiBearerAuth, ApiConflictResponse, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CommuneScope, CurrentUser } from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { ProblemDto } from '../common/problem.dto';
import { CreateWindowDto, DropItemsQueryDto, UpdateWindowDto } from './dto/window.dto';
import { WindowChangeView, WindowDeletedView, WindowsService } from './windows.service';
import {
  ItemPolicyRefusalView,
  POLICY_REFUSAL_CODES,
  WindowPolicyRefusalView,
} from './policy-refusal.view';
import { WindowView, WindowWithPolicyView } from './window.view';

/** What a window's save is refused with when its time breaks the broadcast policy. */
const WINDOW_POLICY_REFUSAL =
  `${POLICY_REFUSAL_CODES} (WindowPolicyRefusalView): the window's time would break the ` +
  "commune's broadcast policy; the problem carries the `rule`, the policy's Vietnamese message " +
  '(`messageVi`) and the `window`';

@ApiTags('schedule')
@ApiBearerAuth()
@CommuneScope()
@Controller('communes/:commune/windows')
export class WindowsController {
  constructor(private readonly windows: WindowsService) {}

  @Post()
  @ApiConflictResponse({
    description: `${WINDOW_POLICY_REFUSAL}; \`WINDOW_OVERLAP\`, \`WINDOW_NAME_TAKEN\``,
    type: ProblemDto,
  })
  @ApiExtraModels(WindowPolicyRefusalView)
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
  @ApiConflictResponse({
    description:
      `${WINDOW_POLICY_REFUSAL}; an item \`moveItems\` would move that breaks it: the same ` +
      'codes (ItemPolicyRefusalView, its new times); `WINDOW_HAS_ITEMS`, `WINDOW_OVERLAP`, ' +
      '`WINDOW_NAME_TAKEN`',
    type: ProblemDto,
  })
  @ApiExtraModels(WindowPolicyRefusalView, ItemPolicyRefusalView)
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
