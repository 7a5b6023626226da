import { ConfigError } from '../config/load-config';
import { cachedUntil } from './cached-until';
import { loadEdgeConfig } from './edge-config';

describe('edge player configuration', () => {
  const good = { EDGE_SERVER_URL: 'http://10.0.0.2:3000', EDGE_DATA_DIR: '/var/lib/loa-xa-edge' };

  it('reads a box’s settings with the field defaults', () => {
    const config = loadEdgeConfig(good, '0.1.0', '/srv');
    expect(config).toMatchObject({
      serverUrl: 'http://10.0.0.2:3000',
      dataDir: '/var/lib/loa-xa-edge',
      sink: 'device',
      sinkSettings: { archiveDir: '/var/lib/loa-xa-edge/archive', device: 'alsa:default' },
      keepaliveSeconds: 30,
      syncIntervalMs: 300000,
      version: 'loa-xa-edge 0.1.0',
    });
    expect(loadEdgeConfig({ ...good, EDGE_DATA_DIR: 'edge' }, '0.1.0', '/srv').dataDir).toBe(
      '/srv/edge',
    );
  });

  it('stops the start naming every missing or bad variable', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadEdgeConfig(env, '0.1.0');
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({})).toEqual([
      expect.stringMatching(/^EDGE_SERVER_URL is required/),
      expect.stringMatching(/^EDGE_DATA_DIR is required/),
    ]);
    expect(problems({ ...good, EDGE_SERVER_URL: 'http://host:3000/api/v1' })).toEqual([
      expect.stringMatching(/origin only/),
    ]);
    expect(problems({ ...good, EDGE_SERVER_URL: 'ftp://host' })).toEqual([
      expect.stringMatching(/http:\/\/ or https:\/\//),
    ]);
    expect(problems({ ...good, PLAYOUT_SINK: 'speaker' })).toEqual([
      expect.stringMatching(/^PLAYOUT_SINK must be one of/),
    ]);
    expect(problems({ ...good, EDGE_MQTT_KEEPALIVE_SECONDS: '60' })).toEqual([
      expect.stringMatching(/^EDGE_MQTT_KEEPALIVE_SECONDS must be between 1 and 30/),
    ]);
    expect(problems({ ...good, EDGE_MQTT_URL: 'http://broker' })).toEqual([
      expect.stringMatching(/^EDGE_MQTT_URL must be/),
    ]);
  });
});

describe('cachedUntil', () => {
  const now = Date.parse('2026-12-03T07:00:00.000Z');
  const item = (minutes: number, audio: string) => ({
    startsAt: now + minutes * 60000,
    durationMs: 60000,
    audio: { id: audio },
  });
  const horizon = '2026-12-06T07:00:00.000Z';

  it('is the horizon when every item still to come is cached, else the first gap', () => {
    const items = [item(-10, 'gone'), item(5, 'a'), item(30, 'b'), item(60, 'a')];
    expect(cachedUntil(items, new Set(['a', 'b']), horizon, now)).toBe(horizon);
    expect(cachedUntil(items, new Set(['a']), horizon, now)).toBe('2026-12-03T07:30:00.000Z');
    expect(cachedUntil(items, new Set(), horizon, now)).toBe('2026-12-03T07:05:00.000Z');
    expect(cachedUntil(items, new Set(), null, now)).toBeNull();
  });
});
