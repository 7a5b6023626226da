export class DemoStatus {
  /** Some sample data is in the database. */
  present!: boolean;
  /** Communes holding sample data (that the caller may read). */
  communes!: { code: string; name: string }[];
  /** The caller's readable sample bulletins: the UI labels them and their items and records. */
  bulletinIds!: string[];
  counts!: { windows: number; bulletins: number; scheduleItems: number; playoutRecords: number };
  removeCommand!: string;
}
