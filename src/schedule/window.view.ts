import { formatLocalInstant, formatLocalTime } from '../common/local-time';
import { BroadcastWindow } from './entities/broadcast-window.entity';
import { endMinutes } from './window-time';

export interface WindowView {
  id: string;
  communeCode: string;
  name: string;
  daysOfWeek: number[];
  startTime: string;
  endTime: string;
  durationMinutes: number;
  validFrom: string | null;
  validTo: string | null;
  createdAt: string;
  updatedAt: string;
}

export function windowView(window: BroadcastWindow): WindowView {
  return {
    id: window.id,
    communeCode: window.communeCode,
    name: window.name,
    daysOfWeek: [...window.daysOfWeek].sort((a, b) => a - b),
    startTime: window.startTime,
    endTime: formatLocalTime(endMinutes(window)),
    durationMinutes: window.durationMinutes,
    validFrom: window.validFrom,
    validTo: window.validTo,
    createdAt: formatLocalInstant(window.createdAt),
    updatedAt: formatLocalInstant(window.updatedAt),
  };
}
