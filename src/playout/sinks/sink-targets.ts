import { join } from 'node:path';
import { AppConfig, PlayoutSinkName } from '../../config/app-config';
import { formatLocalInstant, localDateOf } from '../../common/local-time';
import { icecastUrlFor, parseDeviceSpec, SinkTarget } from './sink-args';

/** `<archiveDir>/<local date>/<commune>/<HHmmss.SSS>-<item>.mp3`: what aired, filed by day. */
export function archivePath(
  archiveDir: string,
  communeCode: string,
  startsAt: Date,
  itemId: string,
): string {
  const time = formatLocalInstant(startsAt).slice(11, 23).replace(/:/g, '');
  return join(archiveDir, localDateOf(startsAt), communeCode, `${time}-${itemId}.mp3`);
}

/** What a sink target is made from, besides its kind. */
export interface SinkSettings {
  archiveDir: string;
  /** PLAYOUT_DEVICE: `alsa:<device>` or `pulse:<device>`. */
  device: string;
  /** PLAYOUT_ICECAST_URL, `{commune}` replaced by the commune's code. */
  icecastUrl: string;
  bitrateKbps: number;
}

/** The sink target of one item on a sink of `kind` (the server's and the edge player's). */
export function sinkTargetOf(
  kind: PlayoutSinkName,
  settings: SinkSettings,
  item: { id: string; communeCode: string; startsAt: Date },
): SinkTarget {
  switch (kind) {
    case 'null':
      return { kind: 'null' };
    case 'file':
      return {
        kind: 'file',
        path: archivePath(settings.archiveDir, item.communeCode, item.startsAt, item.id),
      };
    case 'device':
      return {
        kind: 'device',
        ...parseDeviceSpec(settings.device),
        streamName: `Loa xã ${item.communeCode}`,
      };
    case 'icecast':
      return {
        kind: 'icecast',
        url: icecastUrlFor(settings.icecastUrl, item.communeCode),
        name: `Đài truyền thanh ${item.communeCode}`,
        bitrateKbps: settings.bitrateKbps,
      };
  }
}

/** The sink of a commune (PLAYOUT_SINK_BY_COMMUNE, else PLAYOUT_SINK) for one item. */
export function sinkTargetFor(
  config: AppConfig,
  item: { id: string; communeCode: string; startsAt: Date },
): SinkTarget {
  const kind = config.playout.sinkByCommune.get(item.communeCode) ?? config.playout.sink;
  return sinkTargetOf(kind, { ...config.playout, bitrateKbps: config.audio.bitrateKbps }, item);
}
