import { generateKeyPairSync } from 'node:crypto';
import {
  allDevicesFilter,
  deviceTopic,
  encodeMessage,
  isZoneCode,
  LAST_WILL,
  mayPublish,
  maySubscribe,
  parseAck,
  parseManifest,
  liveStreamPath,
  parseCommand,
  parseCommandRequest,
  parseDeviceTopic,
  parseStatus,
  publicKeyProblem,
} from '.';

const DEVICE = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a90';

function rawPublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
}

describe('device topics', () => {
  it('builds and parses the three topics of a device', () => {
    for (const kind of ['cmd', 'status', 'ack'] as const) {
      const topic = deviceTopic('14797', DEVICE, kind);
      expect(topic).toBe(`loa-xa/14797/${DEVICE}/${kind}`);
      expect(parseDeviceTopic(topic)).toEqual({ communeCode: '14797', deviceId: DEVICE, kind });
    }
    expect(allDevicesFilter('status')).toBe('loa-xa/+/+/status');
  });

  it('refuses what is not a device topic', () => {
    for (const topic of [
      `loa-xa/14797/${DEVICE}/other`,
      `loa-xa/1479/${DEVICE}/status`,
      'loa-xa/14797/+/status',
      `loa-xa/14797/${DEVICE}/status/extra`,
      `other/14797/${DEVICE}/status`,
      `loa-xa/14797/${DEVICE.toUpperCase()}/status`,
    ]) {
      expect(parseDeviceTopic(topic)).toBeNull();
    }
    expect(() => deviceTopic('14797', '+', 'cmd')).toThrow();
    expect(() => deviceTopic('#', DEVICE, 'cmd')).toThrow();
  });
});

describe('status messages', () => {
  it('takes a full status and the Last Will', () => {
    const full = {
      status: 'playing',
      ts: '2026-12-03T07:00:00.000Z',
      cachedUntil: '2026-12-06T07:00:00.000Z',
      volume: 80,
      power: 'on',
      version: 'loa-xa-edge 1.0.0',
      clockSkewMs: -120,
      playing: { scheduleItemId: 'item-1', startedAt: '2026-12-03T06:59:58.000Z' },
    };
    expect(parseStatus(JSON.stringify(full))).toEqual({ ok: true, value: full });
    expect(parseStatus(encodeMessage(LAST_WILL))).toEqual({
      ok: true,
      value: { status: 'offline' },
    });
  });

  it('refuses bad statuses with the reason', () => {
    const cases: [unknown, RegExp][] = [
      ['not json', /JSON/],
      [[], /object/],
      [{ status: 'sleeping' }, /status/],
      [{ status: 'online', ts: 'yesterday' }, /ts/],
      [{ status: 'online', volume: 101 }, /volume/],
      [{ status: 'online', volume: 5.5 }, /volume/],
      [{ status: 'online', power: 'maybe' }, /power/],
      [{ status: 'online', clockSkewMs: '3' }, /clockSkewMs/],
      [{ status: 'online', playing: { scheduleItemId: 'x' } }, /playing/],
      [{ status: 'online', cachedUntil: 5 }, /cachedUntil/],
      [{ status: 'online', version: 'box 2.1\u202e0.1' }, /version/],
      [{ status: 'online', version: 'box 2.1\n' }, /version/],
    ];
    for (const [payload, reason] of cases) {
      const result = parseStatus(typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(reason);
    }
    expect(parseStatus(Buffer.alloc(20000, 0x20)).ok).toBe(false);
  });
});

describe('commands and acks', () => {
  it('takes every command type with its own fields only', () => {
    expect(parseCommand({ id: 'c1', type: 'sync', extra: 1 })).toEqual({
      ok: true,
      value: { id: 'c1', type: 'sync' },
    });
    expect(parseCommand('{"id":"c2","type":"volume","volume":40}')).toEqual({
      ok: true,
      value: { id: 'c2', type: 'volume', volume: 40 },
    });
    expect(parseCommandRequest({ type: 'power', power: 'off' })).toEqual({
      ok: true,
      value: { type: 'power', power: 'off' },
    });
    expect(parseCommandRequest({ type: 'play-emergency', scheduleItemId: 's1' })).toEqual({
      ok: true,
      value: { type: 'play-emergency', scheduleItemId: 's1' },
    });
    expect(
      parseCommand({
        id: 'c3',
        type: 'play-emergency',
        scheduleItemId: 's1',
        endsAt: '2026-12-03T07:01:00.000Z',
      }),
    ).toEqual({
      ok: true,
      value: {
        id: 'c3',
        type: 'play-emergency',
        scheduleItemId: 's1',
        endsAt: '2026-12-03T07:01:00.000Z',
      },
    });
    expect(parseCommandRequest({ type: 'stop' })).toEqual({ ok: true, value: { type: 'stop' } });
    const live = {
      id: 'c4',
      type: 'play-live',
      scheduleItemId: 's2',
      url: liveStreamPath('d1', 'l1'),
      startsAt: '2026-12-03T07:00:00.000Z',
    };
    expect(parseCommand(JSON.stringify({ ...live, extra: 1 }))).toEqual({ ok: true, value: live });
    expect(live.url).toBe('/api/v1/devices/d1/live/l1');
  });

  it('refuses bad commands', () => {
    expect(parseCommand({ type: 'sync' }).ok).toBe(false);
    expect(parseCommandRequest({ type: 'reboot' }).ok).toBe(false);
    expect(parseCommandRequest({ type: 'volume', volume: -1 }).ok).toBe(false);
    expect(parseCommandRequest({ type: 'volume' }).ok).toBe(false);
    expect(parseCommandRequest({ type: 'power', power: true }).ok).toBe(false);
    expect(parseCommandRequest({ type: 'play-emergency' }).ok).toBe(false);
    const live = { type: 'play-live', scheduleItemId: 's2', url: '/api/v1/devices/d1/live/l1' };
    expect(parseCommandRequest(live).ok).toBe(false);
    expect(
      parseCommandRequest({ ...live, startsAt: '2026-12-03T07:00:00Z', url: 'http://x/' }).ok,
    ).toBe(false);
    expect(parseCommandRequest({ ...live, startsAt: 'now' }).ok).toBe(false);
    expect(
      parseCommandRequest({ type: 'play-emergency', scheduleItemId: 's1', endsAt: 'tomorrow' }).ok,
    ).toBe(false);
  });

  it('takes acks with an optional error', () => {
    expect(parseAck('{"id":"c1","ok":true}')).toEqual({ ok: true, value: { id: 'c1', ok: true } });
    expect(parseAck({ id: 'c1', ok: false, error: 'no sound card' })).toEqual({
      ok: true,
      value: { id: 'c1', ok: false, error: 'no sound card' },
    });
    expect(parseAck({ id: 'c1', ok: 'yes' }).ok).toBe(false);
    expect(parseAck({ ok: true }).ok).toBe(false);
    expect(parseAck({ id: 'c1', ok: false, error: 3 }).ok).toBe(false);
    // A box's error text is kept, made one plain line: ffmpeg's colours and line breaks are not.
    expect(
      parseAck({
        id: 'c1',
        ok: false,
        error: '\u001b[31mno sound card\u001b[0m\r\n  ALSA: busy\u202e',
      }),
    ).toEqual({
      ok: true,
      value: { id: 'c1', ok: false, error: '[31mno sound card[0m ALSA: busy' },
    });
    expect(parseAck({ id: 'c1', ok: true, startedAt: '2026-12-03T07:00:00.150Z' })).toEqual({
      ok: true,
      value: { id: 'c1', ok: true, startedAt: '2026-12-03T07:00:00.150Z' },
    });
    expect(parseAck({ id: 'c1', ok: true, startedAt: 'now' }).ok).toBe(false);
  });
});

describe('device identity', () => {
  it('takes zone codes as pinned', () => {
    for (const zone of ['thon-1', 'tdp-bac-son', '0', 'a'.repeat(32)])
      expect(isZoneCode(zone)).toBe(true);
    for (const zone of ['', '-thon', 'Thon-1', 'thôn-1', 'a'.repeat(33), 'thon 1', 3]) {
      expect(isZoneCode(zone)).toBe(false);
    }
  });

  it('takes an Ed25519 public key as base64 of its 32 raw bytes, nothing else', () => {
    expect(publicKeyProblem(rawPublicKey())).toBeNull();
    expect(publicKeyProblem(Buffer.alloc(31).toString('base64'))).toMatch(/32 bytes/);
    expect(publicKeyProblem(Buffer.alloc(33).toString('base64'))).toMatch(/32 bytes/);
    expect(publicKeyProblem(rawPublicKey().replace('=', ''))).toMatch(/32 bytes/);
    expect(publicKeyProblem(42)).toMatch(/string/);
  });
});

describe('broker access rules', () => {
  const OTHER = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a91';
  const device = { kind: 'device' as const, deviceId: DEVICE, communeCode: '14797' };

  it('lets a device read its own commands only', () => {
    expect(maySubscribe(device, `loa-xa/14797/${DEVICE}/cmd`)).toBe(true);
    for (const filter of [
      `loa-xa/14797/${OTHER}/cmd`,
      'loa-xa/14797/+/cmd',
      'loa-xa/#',
      '#',
      `loa-xa/14797/${DEVICE}/status`,
      `loa-xa/14758/${DEVICE}/cmd`,
    ]) {
      expect(maySubscribe(device, filter)).toBe(false);
    }
  });

  it('lets a device publish its own status and acks only', () => {
    expect(mayPublish(device, `loa-xa/14797/${DEVICE}/status`)).toBe(true);
    expect(mayPublish(device, `loa-xa/14797/${DEVICE}/ack`)).toBe(true);
    for (const topic of [
      `loa-xa/14797/${OTHER}/status`,
      `loa-xa/14797/${DEVICE}/cmd`,
      `loa-xa/14758/${DEVICE}/status`,
      'anything',
    ]) {
      expect(mayPublish(device, topic)).toBe(false);
    }
  });

  it('lets the service do anything', () => {
    expect(maySubscribe({ kind: 'service' }, 'loa-xa/+/+/status')).toBe(true);
    expect(mayPublish({ kind: 'service' }, `loa-xa/14797/${OTHER}/cmd`)).toBe(true);
  });
});

describe('manifest', () => {
  const item = {
    scheduleItemId: '019ae3c0-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
    startsAt: '2026-12-03T23:00:00.000Z',
    durationMs: 95000,
    zones: ['thon-1'],
    priority: 'normal',
    audio: {
      id: '019ae3b0-0000-7000-8000-000000000001',
      sha256: 'a'.repeat(64),
      bytes: 761000,
      url: '/api/v1/audio/019ae3b0-0000-7000-8000-000000000001/content',
    },
  };
  const manifest = {
    generatedAt: '2026-12-03T07:00:00.000Z',
    horizonUntil: '2026-12-06T07:00:00.000Z',
    items: [item, { ...item, zones: null }],
  };

  it('takes a well-formed manifest', () => {
    expect(parseManifest(manifest)).toEqual({ ok: true, value: manifest });
  });

  it('names the first problem of a bad one', () => {
    const bad = (change: Record<string, unknown>) =>
      parseManifest({ ...manifest, items: [{ ...item, ...change }] });
    expect(bad({ zones: ['Thôn 1'] })).toEqual({
      ok: false,
      error: 'items[0]: zones must be null or a list of zone codes',
    });
    expect(bad({ audio: { ...item.audio, sha256: 'x' } })).toMatchObject({ ok: false });
    expect(bad({ durationMs: 0 })).toMatchObject({ ok: false });
    expect(bad({ priority: 'urgent' })).toMatchObject({ ok: false });
    expect(parseManifest({ ...manifest, generatedAt: 'now' })).toMatchObject({ ok: false });
    expect(parseManifest([])).toMatchObject({ ok: false });
  });
});
