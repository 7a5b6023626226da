import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsController, ProvinceAlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { DeviceAlerts } from './device-alerts.service';
import { DeviceGuard } from './device.guard';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { EnrolmentLimiter } from './enrolment-limiter';
import { DeviceCommand } from './entities/device-command.entity';
import { Alert } from './entities/alert.entity';
import { Device } from './entities/device.entity';
import {
  CommuneDevicesController,
  DeviceApiController,
  ProvinceDevicesController,
} from './fleet.controller';
import { FleetLink } from './fleet-link';

/** Devices (speaker clusters), their enrolment, credentials, status, commands and alerts. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Device, DeviceCommand, Alert])],
  controllers: [
    CommuneDevicesController,
    ProvinceDevicesController,
    DeviceApiController,
    AlertsController,
    ProvinceAlertsController,
  ],
  providers: [
    DevicesRepository,
    DevicesService,
    EnrolmentLimiter,
    FleetLink,
    DeviceGuard,
    AlertsRepository,
    AlertsService,
    DeviceAlerts,
  ],
  exports: [DevicesService, FleetLink, AlertsService, DeviceAlerts],
})
export class FleetModule {}
