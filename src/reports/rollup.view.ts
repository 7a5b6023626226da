export class RollupRun {
  communes!: number;
  records!: number;
}
