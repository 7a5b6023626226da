import { hash } from 'node:crypto';

/** `prevHash` of a chain's first record (the commune log's and each device's journal). */
export const GENESIS_HASH = '0'.repeat(64);

/** A link of a hash chain: `sha256_hex(prevHash + "\n" + canonical)`. */
export function chainLinkHash(prevHash: string, canonical: string): string {
  // One-shot `crypto.hash`: half the cost of a Hash object for a record's few hundred bytes.
  return hash('sha256', `${prevHash}\n${canonical}`, 'hex');
}
