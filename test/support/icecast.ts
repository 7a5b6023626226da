import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ICECAST = '/usr/bin/icecast2';
export const ICECAST_SOURCE_PASSWORD = 'loa-xa-test-source';

/** Runs `describe` only where Debian's icecast2 is installed. */
export const describeWithIcecast = existsSync(ICECAST) ? describe : describe.skip;

/** Debian's icecast2 on a port of its own, run as nobody (it refuses root); resolves once it answers. */
export async function startIcecast(dir: string, port: number): Promise<ChildProcess> {
  const logs = join(dir, 'icecast-log');
  mkdirSync(logs, { recursive: true });
  chmodSync(dir, 0o777);
  chmodSync(logs, 0o777);
  const config = join(dir, 'icecast.xml');
  writeFileSync(
    config,
    `<icecast>
  <limits><sources>8</sources></limits>
  <authentication>
    <source-password>${ICECAST_SOURCE_PASSWORD}</source-password>
    <admin-user>admin</admin-user><admin-password>loa-xa-test-admin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>${logs}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><errorlog>-</errorlog><loglevel>1</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>
</icecast>`,
  );
  const icecast = spawn(ICECAST, ['-c', config], { stdio: 'ignore' });
  for (let tries = 0; tries < 50; tries += 1) {
    const up = await fetch(`http://127.0.0.1:${port}/status-json.xsl`).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return icecast;
}

export async function sourceMounted(port: number, mount: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/status-json.xsl`);
  // Icecast's status page is not always valid JSON while a source connects: asked again then.
  const status = (await response.json().catch(() => ({ icestats: {} }))) as {
    icestats: { source?: unknown };
  };
  const sources = [status.icestats.source ?? []].flat() as { listenurl: string }[];
  return sources.some((source) => source.listenurl.endsWith(mount));
}

export async function waitForMount(port: number, mount: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await sourceMounted(port, mount))) {
    if (Date.now() > deadline) throw new Error(`Icecast mount ${mount} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A live stream on the mount, as a radio station's encoder sends it: ffmpeg, in real time, a sine
 * tone of `frequency` Hz (0: digital silence) as 64 kb/s MP3. Kill it to take the stream down.
 */
export function feedTone(port: number, mount: string, frequency: number): ChildProcess {
  const input =
    frequency > 0 ? `sine=frequency=${frequency}:sample_rate=44100` : 'anullsrc=r=44100:cl=mono';
  return spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      input,
      '-ac',
      '1',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      '-f',
      'mp3',
      '-content_type',
      'audio/mpeg',
      `icecast://source:${ICECAST_SOURCE_PASSWORD}@127.0.0.1:${port}${mount}`,
    ],
    { stdio: 'ignore' },
  );
}
