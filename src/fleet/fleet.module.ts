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
import { FleetRecorder } from './fleet-recorder';
import { EmergenciesController } from './emergencies.controller';
import { EmergenciesRepository } from './emergencies.repository';
import { EmergenciesService } from './emergencies.service';
import { EmergencyDevice } from './entities/emergency-device.entity';
import { Emergency } from './entities/emergency.entity';
import { ProgramScheduleModule } from '../schedule/schedule.module';

/** Devices (speaker clusters), their enrolment, credentials, status, commands and emergencies. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Device, DeviceCommand, Emergency, EmergencyDevice]),
    ProgramScheduleModule,
  ],
  controllers: [
    CommuneDevicesController,
    ProvinceDevicesController,
    DeviceApiController,
    EmergenciesController,
  ],
  providers: [
    DevicesRepository,
    DevicesService,
    EnrolmentLimiter,
    FleetLink,
    DeviceGuard,
    EmergenciesRepository,
    EmergenciesService,
    FleetRecorder,
  ],
  exports: [DevicesService, EmergenciesService, FleetLink],
})
export class FleetModule {}
