// `parley start` as a child process, the way a user runs it: free ports, a data dir, the JSON
// ready line. Shared by the start tests and the browser test of start's stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@parley/xmpp-config';
import { withTimeout } from './harness.js';

export const cliPath = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

export interface StartPorts {
  xmpp: number;
  xmppHttp: number;
  component: number;
  focusHttp: number;
  media: number;
  tcp: number;
  bridgeHttp: number;
  https: number;
  http: number;
  webMetrics: number;
}

/**
 * Ports for one `parley start`. Bridge i of --bridges n listens on media+i, tcp+i and bridgeHttp+i,
 * ports nobody reserved: those three start blocks of BRIDGE_BLOCK free ports below the kernel's
 * ephemeral range (32768 up), where no outgoing connection or other test's port 0 can land on them.
 */
export async function pickStartPorts(): Promise<StartPorts> {
  const [xmpp, xmppHttp, component, focusHttp, https, http, webMetrics] = await freePorts(7);
  const [media, tcp, bridgeHttp] = [await freeBlock('udp'), await freeBlock('tcp'), await freeBlock('tcp')];
  return { xmpp, xmppHttp, component, focusHttp, media, tcp, bridgeHttp, https, http, webMetrics };
}

const BRIDGE_BLOCK = 4;

/** The first of BRIDGE_BLOCK consecutive ports in 20000-32000 that can all be bound on 127.0.0.1 now. */
async function freeBlock(kind: 'tcp' | 'udp'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + BRIDGE_BLOCK * Math.floor(Math.random() * (12_000 / BRIDGE_BLOCK));
    const ports = Array.from({ length: BRIDGE_BLOCK }, (_, i) => base + i);
    if ((await Promise.all(ports.map((p) => canBind(kind, p)))).every(Boolean)) return base;
  }
  throw new Error(`no ${BRIDGE_BLOCK} consecutive free ${kind} ports in 20000-32000 after 50 tries`);
}

function canBind(kind: 'tcp' | 'udp', port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (kind === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    } else {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    }
  });
}

/** The flags that put start's stack on loopback, on these ports, in this data dir. */
export function startFlags(dataDir: string, p: StartPorts, domain: string): string[] {
  return [
    '--data-dir',
    dataDir,
    '--domain',
    domain,
    '--xmpp-port',
    String(p.xmpp),
    '--xmpp-http-port',
    String(p.xmppHttp),
    '--component-port',
    String(p.component),
    '--focus-http-port',
    String(p.focusHttp),
    '--media-port',
    String(p.media),
    '--tcp-port',
    String(p.tcp),
    '--bridge-http-port',
    String(p.bridgeHttp),
    '--advertise',
    '127.0.0.1',
    '--https-port',
    String(p.https),
    '--http-port',
    String(p.http),
    '--web-bind',
    '127.0.0.1',
    // Not the default 8889: test files that start a stack may run at once.
    '--web-metrics-port',
    String(p.webMetrics),
  ];
}

export interface StartedCli {
  child: ChildProcess;
  // The ready line, as printed (see ReadyInfo in packages/cli/src/start.ts).
  info: Record<string, any>;
  stderr: string[];
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `prefix`: a command that runs start elsewhere and execs it, e.g. ['ip', 'netns', 'exec', name]. */
export async function startCli(
  args: string[],
  env: Record<string, string> = {},
  prefix: string[] = [],
): Promise<StartedCli> {
  const command = [...prefix, process.execPath, cliPath, 'start', '--json', ...args];
  const child = spawn(command[0], command.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`parley start exited with ${code}:\n${stderr.join('\n')}`)));
  });
  // Bounded, but generous: a loaded 2-core machine has taken over 30 s to start the stack.
  const line = await withTimeout(firstLine, 90_000, 'parley start ready line').catch((err) => {
    child.kill('SIGKILL'); // its children die with it (see packages/xmpp-config/src/daemon.ts)
    throw err;
  });
  const info = JSON.parse(line);
  return {
    child,
    info,
    stderr,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return withTimeout(exited, 10_000, 'parley start to stop');
    },
  };
}
