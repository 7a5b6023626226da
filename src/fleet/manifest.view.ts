import { BroadcastPolicyView } from '../policy/policy.view';
import type {
  Manifest,
  ManifestAudio,
  ManifestItem,
  ManifestPriority,
  ManifestRelay,
} from './protocol/manifest';

/*
 * The device manifest as classes for the API document. The device protocol's own types
 * (src/fleet/protocol/manifest.ts, shared with the edge player) stay the source: each class
 * implements its interface, so the two cannot drift apart.
 */

/** The audio of a manifest item: `sha256` and `bytes` are those of the exact bytes `url` serves. */
export class ManifestAudioView implements ManifestAudio {
  id!: string;
  sha256!: string;
  bytes!: number;
  /** Path on the server (`/api/v1/audio/<id>/content`), with `Range`; its ETag is `"<sha256>"`. */
  url!: string;
}

/** A relay (tiếp âm) of a stream source, from protocol 2 on. */
export class ManifestRelayView implements ManifestRelay {
  /** The source's name, for people (`VOV1`). */
  sourceName!: string;
  /** Stream URLs (HTTP/Icecast or HLS), the primary first, then the backups in failover order. */
  urls!: string[];
  /** The source's fallback bulletin, whose audio is the item's `audio`; null: none (silence). */
  fallbackBulletinId!: string | null;
}

/** One item a device is to play. */
export class ManifestItemView implements ManifestItem {
  scheduleItemId!: string;
  startsAt!: string;
  durationMs!: number;
  /** The item's zones; null: every device of the commune. */
  zones!: string[] | null;
  priority!: ManifestPriority;
  /** Absent (protocol 1) or `bulletin`: `audio` is played; `relay`: `relay` is, see there. */
  kind?: 'bulletin' | 'relay';
  /** A bulletin's audio; for a relay, its fallback bulletin's audio, or null when it has none. */
  audio!: ManifestAudioView | null;
  relay?: ManifestRelayView;
}

/**
 * `GET /api/v1/devices/<deviceId>/manifest`: the device's items from now to `horizonUntil`
 * (DEVICE_MANIFEST_HOURS ahead), in start order. Instants in UTC with milliseconds.
 */
export class ManifestView implements Manifest {
  /** 2 when the server answered a `?protocol=2` request; absent: protocol 1. */
  protocol?: number;
  generatedAt!: string;
  horizonUntil!: string;
  items!: ManifestItemView[];
  /**
   * The commune's broadcast policy in force: the device refuses an item that breaks it (receipt
   * `missed`, the rule in `reason`), whatever the manifest says. Absent from older servers.
   */
  policy?: BroadcastPolicyView;
}
