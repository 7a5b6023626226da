import { DeviceViewStatus } from './dto/device.dto';
import { DeviceCommand } from './entities/device-command.entity';

export class DeviceView {
  id!: string;
  communeCode!: string;
  name!: string;
  zones!: string[];
  location!: { lat: number; lon: number; note: string | null } | null;
  status!: DeviceViewStatus;
  lastSeenAt!: string | null;
  playing!: { scheduleItemId: string; startedAt: string } | null;
  clockSkewMs!: number | null;
  cachedUntil!: string | null;
  volume!: number | null;
  power!: 'on' | 'off' | null;
  version!: string | null;
  publicKey!: string | null;
  enrolled!: boolean;
  enrolledAt!: string | null;
}

export class NewEnrolmentCode {
  enrolmentCode!: string;
  enrolmentExpiresAt!: string;
}

/** `POST /communes/:commune/devices`: the new device and its one-time enrolment code. */
export class CreatedDeviceView extends NewEnrolmentCode {
  id!: string;
  name!: string;
  zones!: string[];
}

export class EnrolmentResult {
  deviceId!: string;
  communeCode!: string;
  apiToken!: string;
  mqtt!: { url: string; username: string; password: string };
}

export class CommandView {
  id!: string;
  deviceId!: string;
  type!: DeviceCommand['type'];
  params!: Record<string, unknown>;
  createdAt!: string;
  acknowledgedAt!: string | null;
  ok!: boolean | null;
  error!: string | null;
}
