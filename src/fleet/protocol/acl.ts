import { deviceTopic } from './topics';

/** Who is on the broker: the server itself, or one device of one commune. */
export type BrokerIdentity =
  { kind: 'service' } | { kind: 'device'; deviceId: string; communeCode: string };

/**
 * The broker's access rules. The server may do anything; a device may subscribe to its own
 * command topic only (no wildcards) and publish its own status and acknowledgements only.
 */
export function maySubscribe(identity: BrokerIdentity, topicFilter: string): boolean {
  if (identity.kind === 'service') return true;
  return topicFilter === deviceTopic(identity.communeCode, identity.deviceId, 'cmd');
}

export function mayPublish(identity: BrokerIdentity, topic: string): boolean {
  if (identity.kind === 'service') return true;
  return (
    topic === deviceTopic(identity.communeCode, identity.deviceId, 'status') ||
    topic === deviceTopic(identity.communeCode, identity.deviceId, 'ack')
  );
}
