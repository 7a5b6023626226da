export class CalendarTokenStatus {
  communeCode!: string;
  active!: boolean;
  createdAt!: string | null;
}

export class CalendarLink extends CalendarTokenStatus {
  /** Shown once: only its hash is kept. */
  token!: string;
  /** Path of the subscribable feed, relative to the server. */
  path!: string;
}
