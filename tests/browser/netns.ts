// A second "host" for browser tests: a network namespace of the test's own, joined to this one by
// a veth pair with private addresses (10.77.N.1 here, 10.77.N.2 inside). Firefox refuses loopback
// media (see ../../shared/facts/browsers-and-networks.md), so its tests run the stack in here.
// Everything created is deleted by remove(), and by a process 'exit' hook if the test dies first;
// namespaces left by a test process that no longer exists are removed when the next one starts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pickStartPorts, startCli, startFlags, type StartedCli, type StartPorts } from '../integration/cli-process.js';

const PREFIX = 'parley-t';

export interface Netns {
  /** The namespace's name (for `ip netns exec NAME ...`). */
  name: string;
  /** This side's address on the veth (where the browsers are). */
  hostAddress: string;
  /** The address inside the namespace (the other "host"). */
  nsAddress: string;
  /** Prefix for a command run inside the namespace: [ 'ip', 'netns', 'exec', name ]. */
  exec: string[];
  /** Deletes the veth pair and the namespace (idempotent; end its processes first). */
  remove(): void;
}

function ip(...args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Namespaces named by a test process that is gone (killed before its cleanup ran). */
function removeStale(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const m = new RegExp(`^(${PREFIX}(\\d+)-\\d+)`).exec(line);
    if (m && !existsSync(`/proc/${m[2]}`)) spawnSync('ip', ['netns', 'del', m[1]]);
  }
}

let counter = 0;

/** Creates the namespace and its veth link; the subnet is one no interface here uses yet. */
export function createNetns(): Netns {
  removeStale();
  const used = ip('-o', '-4', 'addr');
  let n = (process.pid + counter) % 250;
  while (used.includes(`10.77.${n}.`)) n = (n + 1) % 250;
  const id = `${process.pid % 100000}-${counter++}`;
  const name = `${PREFIX}${id}`;
  const [hostIf, nsIf] = [`pv${id}h`, `pv${id}n`].map((s) => s.slice(-15));
  const hostAddress = `10.77.${n}.1`;
  const nsAddress = `10.77.${n}.2`;
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    // Deleting one end of a veth deletes both; deleting the namespace would too, but not at once.
    spawnSync('ip', ['link', 'del', hostIf]);
    spawnSync('ip', ['netns', 'del', name]);
  };
  process.on('exit', remove);
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/24`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${nsAddress}/24`, 'dev', nsIf);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
    // Prosody, focus and bridge talk to each other on the namespace's own loopback.
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return { name, hostAddress, nsAddress, exec: ['ip', 'netns', 'exec', name], remove };
}

/**
 * `parley start` inside the namespace with start's loopback test flags minus the addresses: on the
 * other host it binds the web server to the namespace's address and finds the address to advertise
 * itself (no --advertise). Returns the stack and its https base URL (no trailing slash).
 */
export async function startCliIn(
  ns: Netns,
  dataDir: string,
): Promise<{ cli: StartedCli; url: string; ports: StartPorts }> {
  const ports = await pickStartPorts();
  const flags = startFlags(dataDir, ports, 'meet.parley.test');
  for (const name of ['--advertise', '--web-bind']) flags.splice(flags.indexOf(name), 2);
  const cli = await startCli([...flags, '--web-bind', ns.nsAddress], {}, ns.exec);
  return { cli, url: `https://${ns.nsAddress}:${ports.https}`, ports };
}
