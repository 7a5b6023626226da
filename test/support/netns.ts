import { execFileSync } from 'node:child_process';

/** Whether this process may create network namespaces (`ip netns` needs root). */
export const canUseNetns = typeof process.getuid === 'function' && process.getuid() === 0;

const PREFIX = 'loaxa-t-';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ipQuietly(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A network namespace joined to the host by a veth pair: a box behind its own link, which the
 * test takes down (packets dropped, no connection closed) and brings back.
 */
export interface LinkedNamespace {
  name: string;
  /** The host side's address, which a process in the namespace reaches the host by. */
  hostAddress: string;
  /** Runs a command inside the namespace (prefix for startBuiltProcess). */
  wrapper: string[];
  /** Takes the host side of the link down: the namespace's packets go nowhere. */
  down(): void;
  up(): void;
  /** Deletes the namespace (and with it both ends of the veth). */
  dispose(): void;
}

/**
 * Creates `loaxa-t-<pid>` with veth `lxh<pid>` (host, 10.200.a.b+1/30) ↔ `lxn<pid>` (namespace,
 * .b+2). Leftovers of crashed earlier runs (their pid gone) and of this pid are deleted first.
 */
export function createLinkedNamespace(): LinkedNamespace {
  const pid = process.pid;
  const leftovers = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.startsWith(PREFIX));
  for (const old of leftovers) {
    const oldPid = Number(old.slice(PREFIX.length));
    if (oldPid === pid || !alive(oldPid)) {
      ipQuietly('netns', 'del', old);
      ipQuietly('link', 'del', `lxh${oldPid}`);
    }
  }
  const name = `${PREFIX}${pid}`;
  const host = `lxh${pid}`;
  const inner = `lxn${pid}`;
  ipQuietly('link', 'del', host);
  const subnet = `10.200.${(pid >> 6) & 255}`;
  const last = (pid & 63) * 4;
  const hostAddress = `${subnet}.${last + 1}`;
  const innerAddress = `${subnet}.${last + 2}`;
  const dispose = () => {
    ipQuietly('netns', 'del', name);
    ipQuietly('link', 'del', host);
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', host);
    ip('link', 'set', host, 'up');
    ip('-n', name, 'addr', 'add', `${innerAddress}/30`, 'dev', inner);
    ip('-n', name, 'link', 'set', inner, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    name,
    hostAddress,
    wrapper: ['ip', 'netns', 'exec', name],
    down: () => ip('link', 'set', host, 'down'),
    up: () => ip('link', 'set', host, 'up'),
    dispose,
  };
}
