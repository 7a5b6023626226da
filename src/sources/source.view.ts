export class SourceView {
  id!: string;
  provinceCode!: string;
  name!: string;
  urls!: string[];
  fallbackBulletinId!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

/** `POST /provinces/:province/sources/:id/check`: what the first seconds of a URL gave. */
export class SourceCheckResult {
  url!: string;
  reachable!: boolean;
  codec!: string | null;
  sampleRate!: number | null;
  channels!: number | null;
  /** Integrated loudness of the first 10 s; null when nothing was measured. */
  loudnessLufs!: number | null;
  error!: string | null;
}

/** `POST /provinces/:province/sources/:id/check`: the source and each of its URLs checked. */
export class SourceCheckView {
  id!: string;
  /** In the source's order. */
  urls!: SourceCheckResult[];
}
