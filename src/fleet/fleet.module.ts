import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceAuthenticator } from '../auth/device-caller';
import { BulletinsModule } from '../bulletins/bulletins.module';
import { MediaModule } from '../media/media.module';
import { CommuneDevices } from '../schedule/commune-devices';
import { DeviceManifestService } from './device-manifest.service';
import { FleetCommuneDevices } from './fleet-commune-devices';
import { DeviceGuard } from './device.guard';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { EnrolmentLimiter } from './enrolment-limiter';
import { DeviceCommand } from './entities/device-command.entity';
import { Device } from './entities/device.entity';
import {
  CommuneDevicesController,
  DeviceApiController,
  ProvinceDevicesController,
} from './fleet.controller';
import { FleetLink } from './fleet-link';

/** Devices (speaker clusters), their enrolment, credentials, status, commands and manifests. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Device, DeviceCommand]), BulletinsModule, MediaModule],
  controllers: [CommuneDevicesController, ProvinceDevicesController, DeviceApiController],
  providers: [
    DevicesRepository,
    DevicesService,
    DeviceManifestService,
    EnrolmentLimiter,
    FleetLink,
    DeviceGuard,
    // Device tokens on the routes users and devices share (the audio): see auth/device-caller.ts.
    { provide: DeviceAuthenticator, useExisting: DevicesService },
    // The zones of a commune's devices, for the program log's per-zone overlap rule.
    { provide: CommuneDevices, useClass: FleetCommuneDevices },
  ],
  exports: [DevicesService, FleetLink, DeviceAuthenticator, CommuneDevices],
})
export class FleetModule {}
