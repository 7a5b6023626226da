import { IncomingMessage, request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { DomainError } from '../common/domain-error';
import { HostLookup, pinSourceUrl, PinnedUrl } from './source-urls';

/** What a stream pull may reach: the sources' URL rules. */
export interface StreamRules {
  allowedHosts: readonly string[];
  lookup: HostLookup;
}

/** Redirects followed, each hop checked, before a pull gives up. */
export const MAX_STREAM_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A stream answered: its body, the URL that answered and the address it came from. */
export interface OpenedStream {
  response: IncomingMessage;
  url: string;
  address: string;
}

/** Node's `lookup` hook that answers the pinned address whatever the name (no second lookup). */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address) === 6 ? 6 : 4;
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/** One GET to the pinned address (TLS still checks the certificate against the URL's host). */
function getPinned(pinned: PinnedUrl, timeoutMs: number): Promise<IncomingMessage> {
  const options: RequestOptions = {
    method: 'GET',
    lookup: pinnedLookup(pinned.address),
    headers: { 'User-Agent': 'loa-xa-relay', 'Icy-MetaData': '0', Accept: '*/*' },
    timeout: timeoutMs,
  };
  const request = pinned.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(pinned.url, options, (response) => {
      // Answered: from now on a stream may sit idle under back-pressure (the player is ahead);
      // a stream that stops sending is the player's to notice (it stalls, and is left).
      outgoing.setTimeout(0);
      resolve(response);
    });
    outgoing.once('timeout', () => outgoing.destroy(new Error('no answer in time')));
    outgoing.once('error', reject);
    outgoing.end();
  });
}

/**
 * Opens a source URL as the rules allow, and only so: resolves the host once, checks the
 * address, connects to that address; a redirect is followed only after its target passed the
 * same check (a stream answering 302 to 127.0.0.1 or 169.254.169.254 is refused, never fetched).
 * Rejects with `SOURCE_URL_REFUSED` for a refused hop, with an Error for anything else.
 */
export async function openSourceStream(
  raw: string,
  rules: StreamRules,
  timeoutMs: number,
): Promise<OpenedStream> {
  let current = raw;
  for (let hop = 0; hop <= MAX_STREAM_REDIRECTS; hop += 1) {
    const pinned = await pinSourceUrl(current, rules.allowedHosts, rules.lookup);
    const response = await getPinned(pinned, timeoutMs);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECTS.has(status) && location) {
      response.resume();
      response.destroy();
      current = new URL(location, pinned.url).toString();
      continue;
    }
    if (status !== 200) {
      response.destroy();
      throw new Error(`${pinned.url.toString()} answered HTTP ${status}`);
    }
    return { response, url: pinned.url.toString(), address: pinned.address };
  }
  throw new DomainError(
    'SOURCE_URL_REFUSED',
    `Stream URL "${raw}" refused: more than ${MAX_STREAM_REDIRECTS} redirects`,
    { url: raw },
  );
}
