// Bridges beyond the first run as their own processes: Node forwards packets on one core per
// process, so one bridge per core is how a machine's cores serve more meetings. The focus sees
// each in the brewery and puts new conferences on the least stressed one. Each process is
// supervised (restarted with backoff when it dies), recorded in <data dir>/run/<id>.pid, and dies
// with start (PR_SET_PDEATHSIG through setpriv, and PARLEY_PARENT_PID: it watches start's pid).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PARENT_PID_ENV, type Logger } from '@parley/service';
import {
  removePidFile,
  Supervisor,
  withParentDeathSignal,
  writePidFile,
  type SupervisedProcess,
  type SupervisorStatus,
} from '@parley/xmpp-config';

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
  /** Where pid files go (<data dir>); none when absent. */
  dataDir?: string;
}

export interface ExtraBridges {
  ids: string[];
  httpPorts: number[];
  status(): SupervisorStatus[];
  stop(): Promise<void>;
}

const bridgeMain = createRequire(import.meta.url)
  .resolve('@parley/bridge')
  .replace(/index\.js$/, 'main.js');

/** One bridge process, ready once its /health answers 200 (it is in the brewery). */
async function runBridgeProcess(i: number, s: ExtraBridgeSettings, readyTimeoutMs: number): Promise<SupervisedProcess> {
  const id = `jvb-${i + 1}`;
  const port = s.httpPort + i;
  const env = {
    ...process.env,
    PARLEY_DOMAIN: s.domain,
    PARLEY_XMPP_SERVICE: `xmpp://127.0.0.1:${s.xmppPort}`,
    PARLEY_BRIDGE_USER: s.username,
    PARLEY_BRIDGE_PASSWORD: s.password,
    PARLEY_BRIDGE_ID: id,
    PARLEY_MEDIA_PORT: String(s.mediaPort + i),
    PARLEY_TCP_PORT: String(s.tcpPort + i),
    PARLEY_BRIDGE_HTTP_PORT: String(port),
    PARLEY_ADVERTISE: s.advertise.join(','),
    PARLEY_LOG_LEVEL: s.logLevel,
    ...(s.dataDir ? { PARLEY_RECORDINGS_DIR: join(s.dataDir, 'recordings') } : {}),
    [PARENT_PID_ENV]: String(process.pid),
  };
  const line = withParentDeathSignal(process.execPath, [bridgeMain]);
  const child = spawn(line.command, line.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Their logs join ours on stderr: stdout carries only start's ready line.
  child.stdout!.pipe(process.stderr, { end: false });
  child.stderr!.pipe(process.stderr, { end: false });
  const pidFile = s.dataDir && child.pid ? writePidFile(s.dataDir, id, child.pid, `bridge ${id}`) : undefined;
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      if (pidFile) removePidFile(pidFile);
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });
  const stop = async () => {
    if (exitCode !== undefined) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`bridge ${id} exited with ${exitCode} before it was ready`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`bridge ${id} did not answer /health on 127.0.0.1:${port} within ${readyTimeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, exited, stop };
}

export async function startExtraBridges(
  count: number,
  s: ExtraBridgeSettings,
  log: Logger,
  readyTimeoutMs = 60_000,
): Promise<ExtraBridges> {
  const indexes = Array.from({ length: count - 1 }, (_, k) => k + 1);
  const started = await Promise.allSettled(
    indexes.map((i) =>
      Supervisor.start({
        name: `jvb-${i + 1}`,
        start: () => runBridgeProcess(i, s, readyTimeoutMs),
        log,
      }).then((sup) => {
        log.info('bridge.process_ready', { bridge: sup.name, udp: s.mediaPort + i, pid: sup.current.pid });
        return sup;
      }),
    ),
  );
  const supervisors = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async () => {
    await Promise.all(supervisors.map((sup) => sup.stop()));
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    ids: supervisors.map((sup) => sup.name),
    httpPorts: indexes.map((i) => s.httpPort + i),
    status: () => supervisors.map((sup) => sup.status()),
    stop,
  };
}
