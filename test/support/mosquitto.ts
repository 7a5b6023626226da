import mqtt from 'mqtt';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './services';

/** Debian's Mosquitto, when the machine has it. */
export const MOSQUITTO_PATH = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((path) =>
  existsSync(path),
);

/** The limits production sets (a line each), which a test broker takes as they are. */
const PRODUCTION_LIMITS = ['max_queued_messages', 'max_connections'];

/**
 * The lines of docker/mosquitto/mosquitto.conf setting `PRODUCTION_LIMITS`, found upwards from
 * here (the sources under jest, or their build in dist-bench). Without them a test broker queues
 * Mosquitto's default of 1,000 QoS 1 messages a client: a province emergency's 2,500
 * acknowledgements to the service's client were cut to 1,206–1,425 (npm run bench -- fleet).
 */
function productionLimits(): string[] {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'docker', 'mosquitto', 'mosquitto.conf');
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => PRODUCTION_LIMITS.includes(line.split(/\s+/)[0]));
    if (lines.length !== PRODUCTION_LIMITS.length) {
      throw new Error(`${file} sets ${lines.length} of ${PRODUCTION_LIMITS.join(', ')}`);
    }
    return lines;
  }
  throw new Error(`No docker/mosquitto/mosquitto.conf above ${__dirname}`);
}

export interface TestMosquitto {
  /** For devices: no credentials. */
  url: string;
  /** For the service (MQTT_URL): its own user and password. */
  serviceUrl: string;
  stop(): void;
}

/**
 * A Mosquitto of the test's own on a free port (never the machine's broker on 1883), with
 * production's limits, configured the two ways docs/device-protocol.md describes:
 * - `acl-file`: the server's user in a password file, the devices' access rules as client-id
 *   patterns (devices connect without a username);
 * - `dynsec`: the dynamic security plugin, the server's user its admin (as `mosquitto_ctrl dynsec
 *   init` makes it) with the right to the `loa-xa/#` topics; devices are provisioned by the service.
 */
export async function startMosquitto(
  dir: string,
  mode: 'acl-file' | 'dynsec',
): Promise<TestMosquitto> {
  if (!MOSQUITTO_PATH) throw new Error('Mosquitto is not installed');
  const port = await freePort();
  const user = 'loa-xa-server';
  const password = `pw-${Date.now().toString(36)}`;
  const lines = [
    `listener ${port} 127.0.0.1`,
    ...productionLimits(),
    'persistence false',
    'log_dest stderr',
    // Started as root, Mosquitto would drop to its own user, who cannot read the test's folder.
    `user ${userInfo().username}`,
  ];
  if (mode === 'acl-file') {
    const passwordFile = join(dir, 'mosquitto.passwd');
    writeFileSync(passwordFile, '');
    execFileSync('mosquitto_passwd', ['-b', passwordFile, user, password]);
    writeFileSync(
      join(dir, 'mosquitto.acl'),
      [
        `user ${user}`,
        'topic readwrite loa-xa/#',
        '',
        'pattern read loa-xa/+/%c/cmd',
        'pattern write loa-xa/+/%c/status',
        'pattern write loa-xa/+/%c/ack',
        '',
      ].join('\n'),
    );
    lines.push(
      'allow_anonymous true',
      `password_file ${passwordFile}`,
      `acl_file ${join(dir, 'mosquitto.acl')}`,
    );
  } else {
    const config = join(dir, 'dynamic-security.json');
    execFileSync('mosquitto_ctrl', ['dynsec', 'init', config, user, password]);
    const security = JSON.parse(readFileSync(config, 'utf8')) as {
      roles: { rolename: string; acls: unknown[] }[];
    };
    security.roles
      .find((role) => role.rolename === 'admin')!
      .acls.push({ acltype: 'publishClientSend', topic: 'loa-xa/#', allow: true });
    writeFileSync(config, JSON.stringify(security));
    const plugin = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']
      .map((folder) => join(folder, 'mosquitto_dynamic_security.so'))
      .find((path) => existsSync(path));
    if (!plugin) throw new Error('No mosquitto_dynamic_security.so');
    lines.push('allow_anonymous false', `plugin ${plugin}`, `plugin_opt_config_file ${config}`);
  }
  const confFile = join(dir, `mosquitto-${mode}.conf`);
  writeFileSync(confFile, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(MOSQUITTO_PATH, ['-c', confFile], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  const serviceUrl = `mqtt://${user}:${password}@127.0.0.1:${port}`;
  await eventually(
    () =>
      mqtt
        .connectAsync(serviceUrl, { reconnectPeriod: 0, connectTimeout: 1000 }, false)
        .then((client) => client.endAsync().then(() => true))
        .catch(() => undefined),
    { timeoutMs: 10000, what: 'Mosquitto' },
  );
  return { url, serviceUrl, stop: () => child.kill('SIGTERM') };
}
