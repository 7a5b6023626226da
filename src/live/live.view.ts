import { QuietHoursView } from '../policy/policy.view';
import { PolicyRefusalView } from '../schedule/policy-refusal.view';

export class LiveStatus {
  /** Live can start here: the commune has devices, or this process runs the player. */
  available!: boolean;
  emergencyOnAir!: boolean;
  /** What a live session would interrupt now (a title), if anything. */
  interrupts!: string | null;
  onAir!: { id: string; speaker: string } | null;
  maxSeconds!: number;
  /** The commune plays through its devices (speaker clusters): a session goes to them. */
  devices!: boolean;
  /** The zones of the commune's devices a session may be sent to; empty without devices. */
  zones!: string[];
}

export class OpenedLive {
  id!: string;
  /** One-time secret for the socket (`?ticket=`), valid 30 s. */
  ticket!: string;
  socketPath!: string;
  interrupts!: string | null;
  maxSeconds!: number;
}

/**
 * 409 `POLICY_QUIET_HOURS`: a session refused because it would start in the commune's quiet
 * hours; the policy's Vietnamese message names them.
 */
export class LivePolicyRefusalView extends PolicyRefusalView {
  /** The commune's quiet hours in force. */
  quietHours!: QuietHoursView;
}
