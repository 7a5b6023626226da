import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsController, ProvinceAlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { DeviceAlerts } from './device-alerts.service';
import { DeviceStatusBook } from './device-status-book';
import { DeviceAuthenticator } from '../auth/device-caller';
import { BulletinsModule } from '../bulletins/bulletins.module';
import { MediaModule } from '../media/media.module';
import { CommuneDevices } from '../schedule/commune-devices';
import { DeviceManifestService } from './device-manifest.service';
import { FleetCommuneDevices } from './fleet-commune-devices';
import { DeviceGuard } from './device.guard';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { DeviceZoneItems } from './device-zone-items';
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
import { DeviceArrivals } from './device-arrivals';
import { SyncPusher } from './sync-pusher';

import { FleetRecorder } from './fleet-recorder';
import { DevicePresenceRecorder } from './device-presence';
import { EmergenciesController } from './emergencies.controller';
import { EmergenciesRepository } from './emergencies.repository';
import { EmergenciesService } from './emergencies.service';
import { EmergencyDevice } from './entities/emergency-device.entity';
import { Emergency } from './entities/emergency.entity';
import { ProgramScheduleModule } from '../schedule/schedule.module';

/**
 * Devices (speaker clusters), their enrolment, credentials, status, commands, manifests,
 * emergencies and alerts.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Device, DeviceCommand, Alert, Emergency, EmergencyDevice]),
    BulletinsModule,
    MediaModule,
    ProgramScheduleModule,
  ],
  controllers: [
    CommuneDevicesController,
    ProvinceDevicesController,
    DeviceApiController,
    AlertsController,
    ProvinceAlertsController,
    EmergenciesController,
  ],
  providers: [
    DevicesRepository,
    DevicesService,
    DeviceZoneItems,
    DeviceStatusBook,
    DeviceManifestService,
    SyncPusher,
    EnrolmentLimiter,
    FleetLink,
    DeviceArrivals,
    DeviceGuard,
    AlertsRepository,
    AlertsService,
    DeviceAlerts,
    // Device tokens on the routes users and devices share (the audio): see auth/device-caller.ts.
    { provide: DeviceAuthenticator, useExisting: DevicesService },
    // The zones of a commune's devices, for the program log's per-zone overlap rule.
    { provide: CommuneDevices, useClass: FleetCommuneDevices },
    EmergenciesRepository,
    EmergenciesService,
    FleetRecorder,
    DevicePresenceRecorder,
  ],
  exports: [
    DevicesService,
    EmergenciesService,
    FleetLink,
    DeviceArrivals,
    AlertsService,
    DeviceAlerts,
    DeviceAuthenticator,
    CommuneDevices,
  ],
})
export class FleetModule {}
