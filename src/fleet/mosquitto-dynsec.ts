import type { MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { deviceTopic } from './protocol';

/** Mosquitto's dynamic security plugin takes commands here and answers on `…/response`. */
export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

interface DynsecResponse {
  command: string;
  error?: string;
  correlationData?: string;
}

/** The role a device's broker client gets: its own topics, exactly (docs/device-protocol.md). */
export function deviceRoleName(deviceId: string): string {
  return `loa-xa-device-${deviceId}`;
}

/** Commands that (re)create a device's client with its password and its own access rules. */
export function provisionCommands(
  deviceId: string,
  communeCode: string,
  password: string,
): DynsecCommand[] {
  const rolename = deviceRoleName(deviceId);
  const topic = (kind: 'cmd' | 'status' | 'ack') => deviceTopic(communeCode, deviceId, kind);
  return [
    ...removalCommands(deviceId),
    {
      command: 'createRole',
      rolename,
      acls: [
        { acltype: 'subscribeLiteral', topic: topic('cmd'), allow: true },
        { acltype: 'publishClientReceive', topic: topic('cmd'), allow: true },
        { acltype: 'publishClientSend', topic: topic('status'), allow: true },
        { acltype: 'publishClientSend', topic: topic('ack'), allow: true },
      ],
    },
    {
      command: 'createClient',
      username: deviceId,
      password,
      clientid: deviceId,
      roles: [{ rolename }],
    },
  ];
}

/** Commands that delete a device's client (Mosquitto disconnects it) and its role. */
export function removalCommands(deviceId: string): DynsecCommand[] {
  return [
    { command: 'deleteClient', username: deviceId },
    { command: 'deleteRole', rolename: deviceRoleName(deviceId) },
  ];
}

/**
 * Sends commands to Mosquitto's dynamic security plugin over the server's own connection (its
 * user needs the plugin's admin role) and waits for their answers.
 */
export class MosquittoDynsec {
  private readonly waiting = new Map<string, (response: DynsecResponse) => void>();

  constructor(
    private readonly client: MqttClient,
    private readonly timeoutMs = 5000,
  ) {}

  /** Feed every message of DYNSEC_RESPONSE_TOPIC here. */
  receive(payload: Buffer): void {
    let parsed: { responses?: DynsecResponse[] };
    try {
      parsed = JSON.parse(payload.toString()) as { responses?: DynsecResponse[] };
    } catch {
      return;
    }
    for (const response of parsed.responses ?? []) {
      const done = response.correlationData
        ? this.waiting.get(response.correlationData)
        : undefined;
      if (done) done(response);
    }
  }

  /** Runs the commands; answers each one's error (undefined: it succeeded), in order. */
  async run(commands: DynsecCommand[]): Promise<(string | undefined)[]> {
    const tagged = commands.map((command) => ({
      ...command,
      correlationData: randomBytes(8).toString('hex'),
    }));
    const answers = tagged.map(
      (command) =>
        new Promise<string | undefined>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(command.correlationData);
            reject(new Error(`Mosquitto did not answer ${command.command}`));
          }, this.timeoutMs);
          this.waiting.set(command.correlationData, (response) => {
            clearTimeout(timer);
            this.waiting.delete(command.correlationData);
            resolve(response.error);
          });
        }),
    );
    await this.client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 });
    return Promise.all(answers);
  }
}
