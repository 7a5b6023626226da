import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
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

/** Devices (speaker clusters), their enrolment, credentials, status and commands. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Device, DeviceCommand])],
  controllers: [CommuneDevicesController, ProvinceDevicesController, DeviceApiController],
  providers: [DevicesRepository, DevicesService, EnrolmentLimiter, FleetLink, DeviceGuard],
  exports: [DevicesService, FleetLink],
})
export class FleetModule {}
