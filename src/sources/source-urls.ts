import { lookup, Resolver } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../common/domain-error';

/** Resolves a host name to its addresses (dns.lookup with `all`; replaced in tests). */
export type HostLookup = (host: string) => Promise<string[]>;

/** The system resolver, as `HostLookup`. */
export const resolveHostAddresses: HostLookup = async (host) =>
  (await lookup(host, { all: true })).map((entry) => entry.address);

/**
 * Addresses a relay must never fetch (the service fetches source URLs itself: SSRF): loopback,
 * private, carrier-grade NAT, link-local (cloud metadata at 169.254.169.254), multicast,
 * reserved and unspecified, in IPv4 and IPv6 (with IPv4-mapped IPv6 read as IPv4).
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1], 'ipv4');
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (mappedHex) {
    const [high, low] = [parseInt(mappedHex[1], 16), parseInt(mappedHex[2], 16)];
    const ipv4 = [high >> 8, high & 255, low >> 8, low & 255].join('.');
    return INTERNAL.check(ipv4, 'ipv4');
  }
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function refused(url: string, why: string): DomainError {
  return new DomainError('SOURCE_URL_REFUSED', `Stream URL "${url}" refused: ${why}`, { url });
}

/** A URL checked against the rules, its host pinned to the one address to connect to. */
export interface PinnedUrl {
  url: URL;
  /** The address the check approved: the connection goes there, never to a new lookup. */
  address: string;
}

/**
 * Checks a source URL before it is saved, checked or played: `http:` or `https:` only (no
 * `file:`, `rtmp:`, …), no user or password in it, and a host that is not, and does not resolve
 * to, an internal address, unless the host (or one of its addresses) is on SOURCES_ALLOWED_HOSTS.
 * Resolves the host once and answers the address to connect to: whoever fetches the URL connects
 * there, so a name that resolves elsewhere a moment later (DNS rebinding) changes nothing.
 */
export async function pinSourceUrl(
  raw: string,
  allowedHosts: readonly string[],
  lookup: HostLookup,
): Promise<PinnedUrl> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refused(raw, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(raw, `only http and https streams are relayed, not ${url.protocol}`);
  }
  if (url.username || url.password) throw refused(raw, 'credentials in the URL are not kept');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = new Set(allowedHosts);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await lookup(host);
    } catch {
      throw refused(raw, `the host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw refused(raw, `the host ${host} does not resolve`);
  }
  if (allowed.has(host)) return { url, address: addresses[0] };
  const internal = addresses.find((address) => isInternalAddress(address) && !allowed.has(address));
  if (internal) {
    throw refused(raw, `${host} is an internal address (${internal}); see SOURCES_ALLOWED_HOSTS`);
  }
  return { url, address: addresses[0] };
}

/** `pinSourceUrl` for saving: the URL as URL parsing writes it. */
export async function assertSafeSourceUrl(
  raw: string,
  allowedHosts: readonly string[],
  lookup: HostLookup,
): Promise<string> {
  return (await pinSourceUrl(raw, allowedHosts, lookup)).url.toString();
}

/**
 * A `HostLookup` that asks the given DNS servers (`SOURCES_DNS_SERVERS`, `address[:port]`) for
 * A and AAAA records instead of the system resolver.
 */
export function resolverLookup(servers: readonly string[]): HostLookup {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([...servers]);
  return async (host) => {
    const answers = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = answers.flatMap((answer) =>
      answer.status === 'fulfilled' ? answer.value : [],
    );
    if (addresses.length === 0) throw new Error(`${host} does not resolve`);
    return addresses;
  };
}
