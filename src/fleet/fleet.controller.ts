import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  CommuneScope,
  CurrentUser,
  DeviceRoute,
  ProvinceScope,
  Public,
  Roles,
} from '../auth/access.decorators';
import { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/domain-error';
import { JsonBodyLimit } from '../common/json-body';
import { DeviceManifestService } from './device-manifest.service';
import { ManifestView } from './manifest.view';
import { DeviceGuard, DeviceRequest } from './device.guard';
import {
  CommandView,
  commandView,
  DeviceSelfView,
  DevicesService,
  DeviceView,
  deviceView,
  EnrolmentResult,
  EnrolmentView,
  enrolmentView,
  NewEnrolmentCode,
} from './devices.service';
import { CreatedDeviceView, DeviceChangeView } from './device.view';
import {
  CreateDeviceDto,
  DeviceCommandDto,
  DeviceListQueryDto,
  DeviceZoneItemsQueryDto,
  EnrolDto,
  UpdateDeviceDto,
} from './dto/device.dto';

const uuid = new ParseUUIDPipe();

/** A commune's speaker clusters: its operators and approvers manage them, monitors read them. */
@ApiTags('fleet')
@ApiBearerAuth()
@Controller('communes/:commune/devices')
@CommuneScope()
export class CommuneDevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Roles('admin', 'operator', 'approver')
  @Post()
  async create(
    @Param('commune') commune: string,
    @Body() body: CreateDeviceDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CreatedDeviceView> {
    const created = await this.devices.create(commune, body, actor);
    return {
      id: created.device.id,
      name: created.device.name,
      zones: created.device.zones,
      enrolmentCode: created.enrolmentCode,
      enrolmentExpiresAt: created.enrolmentExpiresAt,
    };
  }

  @Get()
  async list(@Param('commune') commune: string): Promise<DeviceView[]> {
    const devices = await this.devices.list(commune);
    const at = this.devices.liveness();
    return devices.map((device) => deviceView(device, at));
  }

  @Get(':id')
  async get(@Param('commune') commune: string, @Param('id', uuid) id: string): Promise<DeviceView> {
    return deviceView(await this.devices.get(commune, id), this.devices.liveness());
  }

  /** 409 naming the future items a zones change leaves with no cluster, unless `?dropItems=true`. */
  @Roles('admin', 'operator', 'approver')
  @Patch(':id')
  async update(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
    @Body() body: UpdateDeviceDto,
    @Query() query: DeviceZoneItemsQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<DeviceChangeView> {
    const { device, droppedItems } = await this.devices.update(commune, id, body, query, actor);
    return { ...deviceView(device, this.devices.liveness()), droppedItems };
  }

  /** 409 naming the future items only this cluster serves, unless `?dropItems=true`. */
  @Roles('admin', 'operator', 'approver')
  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
    @Query() query: DeviceZoneItemsQueryDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<void> {
    await this.devices.remove(commune, id, query, actor);
  }

  /**
   * The device's enrolments, oldest first: each key it enrolled with, when it held and how it
   * ended. A receipt is checked with the key of the enrolment its item was sent under.
   */
  @Get(':id/enrolments')
  async enrolments(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
  ): Promise<EnrolmentView[]> {
    return (await this.devices.enrolments(commune, id)).map(enrolmentView);
  }

  /** A new enrolment code, shown once; the device's current credentials stop working at once. */
  @Roles('admin', 'operator', 'approver')
  @Post(':id/enrolment-code')
  issueEnrolmentCode(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<NewEnrolmentCode> {
    return this.devices.issueEnrolmentCode(commune, id, actor);
  }

  /** Revokes the device's API token and broker password; it stays registered, unenrolled. */
  @Roles('admin', 'operator', 'approver')
  @Delete(':id/credentials')
  async revoke(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<DeviceView> {
    return deviceView(
      await this.devices.revokeCredentials(commune, id, actor),
      this.devices.liveness(),
    );
  }

  @Roles('admin', 'operator', 'approver')
  @Post(':id/commands')
  @HttpCode(202)
  async command(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
    @Body() body: DeviceCommandDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<CommandView> {
    return commandView(await this.devices.sendCommand(commune, id, body, actor));
  }

  @Get(':id/commands')
  async commands(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
  ): Promise<CommandView[]> {
    return (await this.devices.listCommands(commune, id)).map(commandView);
  }

  @Get(':id/commands/:commandId')
  async commandResult(
    @Param('commune') commune: string,
    @Param('id', uuid) id: string,
    @Param('commandId', uuid) commandId: string,
  ): Promise<CommandView> {
    return commandView(await this.devices.getCommand(commune, id, commandId));
  }
}

/** A province's clusters for its monitors: offline first. */
@ApiTags('fleet')
@ApiBearerAuth()
@Controller('provinces/:province/devices')
export class ProvinceDevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Roles('admin', 'monitor')
  @ProvinceScope({ source: 'params', name: 'province' })
  @Get()
  async list(
    @Param('province') province: string,
    @Query() query: DeviceListQueryDto,
  ): Promise<DeviceView[]> {
    const devices = await this.devices.listProvince(province, query.status);
    const at = this.devices.liveness();
    return devices.map((device) => deviceView(device, at));
  }
}

/** An enrolment is a code and a public key: well under a kilobyte of JSON. */
const ENROL_BODY_LIMIT_BYTES = 2 * 1024;

/** The routes devices call: enrolment (with its code), then with their own API token. */
@ApiTags('devices')
@Controller('devices')
export class DeviceApiController {
  constructor(
    private readonly devices: DevicesService,
    private readonly manifests: DeviceManifestService,
  ) {}

  @Public()
  @JsonBodyLimit(ENROL_BODY_LIMIT_BYTES)
  @Post('enrol')
  enrol(@Body() body: EnrolDto, @Req() request: Request): Promise<EnrolmentResult> {
    return this.devices.enrol(body.code, body.publicKey, request.ip ?? null, request.hostname);
  }

  /**
   * The device itself, as the server knows it (its commune and zones), and where its receipt
   * chain ends on the server (a box holding nothing of it goes on from there).
   */
  @ApiBearerAuth()
  @DeviceRoute()
  @UseGuards(DeviceGuard)
  @Get('me')
  async me(@Req() request: DeviceRequest): Promise<DeviceSelfView> {
    const device = request.device!;
    return {
      ...deviceView(device, this.devices.liveness()),
      receiptChain: await this.devices.receiptChain(device.id),
    };
  }

  /**
   * The device's schedule for the next DEVICE_MANIFEST_HOURS: only its own (another device's id is
   * 403), items of its zones only, each with the audio's URL, sha256 and size.
   */
  @ApiBearerAuth()
  @DeviceRoute()
  @UseGuards(DeviceGuard)
  @Get(':id/manifest')
  manifest(
    @Param('id', uuid) id: string,
    @Req() request: DeviceRequest,
    @Query('protocol') protocol?: string,
  ): Promise<ManifestView> {
    const device = request.device!;
    if (device.id !== id) {
      throw new DomainError('FORBIDDEN', 'A device reads its own manifest only');
    }
    if (protocol !== undefined && !/^[1-9]\d{0,2}$/.test(protocol)) {
      throw new DomainError('VALIDATION_FAILED', 'protocol must be a version number (1, 2)');
    }
    // A version above the server's gets the server's own: the answer's `protocol` says which.
    return this.manifests.manifest(device, protocol === undefined ? 1 : Number(protocol));
  }
}
