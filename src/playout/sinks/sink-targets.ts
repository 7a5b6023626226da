import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
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

/** The sink of a commune (PLAYOUT_SINK_BY_COMMUNE, else PLAYOUT_SINK) for one item. */
export function sinkTargetFor(
  config: AppConfig,
  item: { id: string; communeCode: string; startsAt: Date },
): SinkTarget {
  const kind = config.playout.sinkByCommune.get(item.communeCode) ?? config.playout.sink;
  switch (kind) {
    case 'null':
      return { kind: 'null' };
    case 'file':
      return {
        kind: 'file',
        path: archivePath(config.playout.archiveDir, item.communeCode, item.startsAt, item.id),
      };
    case 'device':
      return {
        kind: 'device',
        ...parseDeviceSpec(config.playout.device),
        streamName: `Loa xã ${item.communeCode}`,
      };
    case 'icecast':
      return {
        kind: 'icecast',
        url: icecastUrlFor(config.playout.icecastUrl, item.communeCode),
        name: `Đài truyền thanh ${item.communeCode}`,
        bitrateKbps: config.audio.bitrateKbps,
      };
  }
}
