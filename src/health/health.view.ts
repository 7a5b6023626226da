export class DependencyState {
  status!: 'up' | 'down';
  [key: string]: unknown;
}

export class HealthView {
  status!: 'ok' | 'error';
  db!: DependencyState;
  redis!: DependencyState;
  ffmpeg!: DependencyState;
}
