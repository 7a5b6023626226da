import { deviceTopic } from './topics';

/** Who is on the broker: the server itself, or one device of one commune. */
export type BrokerIdentity =
  { kind: 'service' } | { kind: 'device'; deviceId: string; communeCode: string };

/**
 * What a client may do on the broker, as exact topic names (no wildcards) or `any`: plain data,
 * so the embedded broker's thread can check it without the rules themselves.
 */
export interface BrokerGrant {
  subscribe: readonly string[] | 'any';
  publish: readonly string[] | 'any';
}

/**
 * The broker's access rules. The server may do anything; a device may subscribe to its own
 * command topic only (no wildcards) and publish its own status and acknowledgements only.
 */
export function brokerGrant(identity: BrokerIdentity): BrokerGrant {
  if (identity.kind === 'service') return { subscribe: 'any', publish: 'any' };
  const { communeCode, deviceId } = identity;
  return {
    subscribe: [deviceTopic(communeCode, deviceId, 'cmd')],
    publish: [
      deviceTopic(communeCode, deviceId, 'status'),
      deviceTopic(communeCode, deviceId, 'ack'),
    ],
  };
}

export function isGranted(topics: BrokerGrant['subscribe'], topic: string): boolean {
  return topics === 'any' || topics.includes(topic);
}

export function maySubscribe(identity: BrokerIdentity, topicFilter: string): boolean {
  return isGranted(brokerGrant(identity).subscribe, topicFilter);
}

export function mayPublish(identity: BrokerIdentity, topic: string): boolean {
  return isGranted(brokerGrant(identity).publish, topic);
}
