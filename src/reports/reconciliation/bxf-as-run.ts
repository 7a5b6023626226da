import type * as FastXmlParser from 'fast-xml-parser';
import { localDateOf, localMsOfDay } from '../../common/local-time';
import type { ReconciliationLine } from './reconciliation';

/**
 * The reconciliation as an SMPTE ST 2021 (BXF) as-run message, so a traffic or archive system can
 * take it: `BxfMessage` / `BxfData` / `Schedule` / `AsRun` / `BasicAsRun`, one per line that is
 * due (pending items have no as-run yet), each with
 * - `AsRunEventId/EventId`: the program-log item's id echoed back as `urn:uuid:…` (a play without
 *   an item gives its as-run record's id);
 * - `Content`: the bulletin's id as house number, its title as name;
 * - `AsRunDetail`: `Status` (Aired Without Discrepancy, Aired With Discrepancy, Not Aired),
 *   `Type` Primary, `StartDateTime` (the local broadcast date and SMPTE time code) and `Duration`
 *   (what aired; 0 when nothing did). Radio has no frames: time codes count 25 frames a second
 *   (40 ms), the frame rate of Vietnam's television.
 * - our discrepancy code in an extension element (`lx:Discrepancy`, namespace `BXF_EXTENSION_NS`),
 *   which readers of plain BXF skip.
 */

export const BXF_NS = 'http://smpte-ra.org/schemas/2021/2019/BXF';
export const BXF_EXTENSION_NS = 'urn:loa-xa:bxf-as-run:1';
export const BXF_FRAME_RATE = 25;

export type BxfStatus = 'Aired Without Discrepancy' | 'Aired With Discrepancy' | 'Not Aired';

export interface BxfAsRunInput {
  /** urn:uuid of the message. */
  messageId: string;
  /** When the message is made. */
  createdAt: Date;
  communeCode: string;
  communeName: string;
  from: string;
  to: string;
  lines: readonly ReconciliationLine[];
}

export function bxfStatusOf(line: ReconciliationLine): BxfStatus {
  if (line.code === 'on-time') return 'Aired Without Discrepancy';
  if (line.airedSeconds !== null && line.airedSeconds > 0) return 'Aired With Discrepancy';
  return 'Not Aired';
}

const FRAME_MS = 1000 / BXF_FRAME_RATE;

/** Milliseconds as an SMPTE time code `HH:MM:SS:FF` (frames rounded down). */
export function smpteTimeCode(ms: number): string {
  const frames = Math.floor(Math.max(0, ms) / FRAME_MS);
  const seconds = Math.floor(frames / BXF_FRAME_RATE);
  const parts = [
    Math.floor(seconds / 3600),
    Math.floor(seconds / 60) % 60,
    seconds % 60,
    frames % BXF_FRAME_RATE,
  ];
  return parts.map((part) => String(part).padStart(2, '0')).join(':');
}

function smpteDateTime(instant: Date): Record<string, unknown> {
  return {
    SmpteDateTime: {
      '@_frameRate': BXF_FRAME_RATE,
      '@_broadcastDate': localDateOf(instant),
      SmpteTimeCode: smpteTimeCode(localMsOfDay(instant)),
    },
  };
}

function basicAsRun(line: ReconciliationLine): Record<string, unknown> {
  const start = new Date(line.airedStart ?? line.plannedStart ?? 0);
  const eventId = line.scheduleItemId ?? `record-${line.recordSeq ?? 0}`;
  return {
    AsRunEventId: { EventId: `urn:uuid:${eventId}` },
    Content: {
      ...(line.bulletinId ? { ContentId: { HouseNumber: line.bulletinId } } : {}),
      Name: line.title ?? '',
    },
    AsRunDetail: {
      Status: bxfStatusOf(line),
      Type: 'Primary',
      StartDateTime: smpteDateTime(start),
      Duration: {
        SmpteDuration: {
          '@_frameRate': BXF_FRAME_RATE,
          SmpteTimeCode: smpteTimeCode(Math.round((line.airedSeconds ?? 0) * 1000)),
        },
      },
    },
    'lx:Discrepancy': {
      '@_code': line.code,
      ...(line.lateBySeconds !== null ? { '@_lateBySeconds': line.lateBySeconds } : {}),
      ...(line.shortBySeconds !== null ? { '@_shortBySeconds': line.shortBySeconds } : {}),
      ...(line.causeCode ? { '@_cause': line.causeCode } : {}),
      ...(line.recordSeq !== null ? { '@_recordSeq': line.recordSeq } : {}),
      ...(line.cause ? { '#text': line.cause } : {}),
    },
  };
}

/** fast-xml-parser, loaded by the first BXF export, not in every process at start. */
function loadXmlParser(): typeof FastXmlParser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('fast-xml-parser') as typeof FastXmlParser;
}

/** The as-run message (UTF-8 XML text). */
export function bxfAsRunXml(input: BxfAsRunInput): string {
  const events = input.lines.filter((line) => line.code !== 'pending');
  const { XMLBuilder } = loadXmlParser();
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
  });
  const xml: unknown = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    BxfMessage: {
      '@_xmlns': BXF_NS,
      '@_xmlns:lx': BXF_EXTENSION_NS,
      '@_id': input.messageId,
      '@_dateTime': input.createdAt.toISOString(),
      '@_messageType': 'Information',
      '@_origin': 'Loa xã',
      '@_originType': 'Automation',
      '@_destination': 'Traffic',
      BxfData: {
        '@_action': 'add',
        Schedule: {
          '@_type': 'Primary',
          '@_scheduleStart': input.from,
          '@_scheduleEnd': input.to,
          Channel: { '@_shortName': input.communeCode, Name: input.communeName },
          AsRun: events.map((line) => ({ BasicAsRun: basicAsRun(line) })),
        },
      },
    },
  });
  return String(xml);
}
