// Bridges beyond the first run as their own processes: Node forwards packets on one core per
// process, so one bridge per core is how a machine's cores serve more meetings. The focus sees
// each in the brewery and puts new conferences on the least stressed one.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from '@parley/service';

export interface ExtraBridgeSettings {
  domain: string;
  xmppPort: number;
  username: string;
  password: string;
  /** Bridge i (1..n-1) uses mediaPort + i, tcpPort + i, httpPort + i. */
  mediaPort: number;
  tcpPort: number;
  httpPort: number;
  advertise: string[];
  logLevel: string;
}

export interface ExtraBridges {
  ids: string[];
  httpPorts: number[];
  stop(): Promise<void>;
}

const bridgeMain = createRequire(import.meta.url)
  .resolve('@parley/bridge')
  .replace(/index\.js$/, 'main.js');

export async function startExtraBridges(
  count: number,
  s: ExtraBridgeSettings,
  log: Logger,
  readyTimeoutMs = 20_000,
): Promise<ExtraBridges> {
  const children: ChildProcess[] = [];
  const ids: string[] = [];
  const httpPorts: number[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (let i = 1; i < count; i++) {
      const id = `jvb-${i + 1}`;
      const env = {
        ...process.env,
        PARLEY_DOMAIN: s.domain,
        PARLEY_XMPP_SERVICE: `xmpp://127.0.0.1:${s.xmppPort}`,
        PARLEY_BRIDGE_USER: s.username,
        PARLEY_BRIDGE_PASSWORD: s.password,
        PARLEY_BRIDGE_ID: id,
        PARLEY_MEDIA_PORT: String(s.mediaPort + i),
        PARLEY_TCP_PORT: String(s.tcpPort + i),
        PARLEY_BRIDGE_HTTP_PORT: String(s.httpPort + i),
        PARLEY_ADVERTISE: s.advertise.join(','),
        PARLEY_LOG_LEVEL: s.logLevel,
      };
      const child = spawn(process.execPath, [bridgeMain], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      // Their logs join ours on stderr: stdout carries only start's ready line.
      child.stdout!.pipe(process.stderr, { end: false });
      child.stderr!.pipe(process.stderr, { end: false });
      children.push(child);
      ids.push(id);
      httpPorts.push(s.httpPort + i);
    }
    const deadline = Date.now() + readyTimeoutMs;
    for (const [i, port] of httpPorts.entries()) {
      for (;;) {
        if (children[i].exitCode !== null)
          throw new Error(`bridge ${ids[i]} exited with ${children[i].exitCode} before it was ready`);
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline)
          throw new Error(`bridge ${ids[i]} did not answer /health on 127.0.0.1:${port} within ${readyTimeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
      log.info('bridge.process_ready', { bridge: ids[i], udp: s.mediaPort + i + 1, pid: children[i].pid });
    }
    return { ids, httpPorts, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
