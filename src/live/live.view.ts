export class LiveStatus {
  /** This process runs the player and the commune has no devices: live can start here. */
  available!: boolean;
  emergencyOnAir!: boolean;
  /** What a live session would interrupt now (a title), if anything. */
  interrupts!: string | null;
  onAir!: { id: string; speaker: string } | null;
  maxSeconds!: number;
}

export class OpenedLive {
  id!: string;
  /** One-time secret for the socket (`?ticket=`), valid 30 s. */
  ticket!: string;
  socketPath!: string;
  interrupts!: string | null;
  maxSeconds!: number;
}
