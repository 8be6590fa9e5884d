// Runs coturn's `turnserver -c <dataDir>/turnserver.conf` in the foreground (never its systemd
// service): waits for its TCP port, stops it with SIGTERM, then SIGKILL after 5 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { renderTurnConfig, turnPaths, validateTurnSettings, type TurnSettings } from './turnserver.js';

export const TURN_INSTALL_HINT = 'turnserver is not installed: run "apt-get install -y coturn" (or bash setup.sh); do not enable its systemd service, parley start runs it';

export interface StartTurnOptions {
  settings: TurnSettings;
  /** Path of the turnserver binary; default: `turnserver` on PATH. */
  binary?: string;
  /** Each line coturn writes to stdout/stderr. */
  log?: (line: string) => void;
  /** Bound on waiting for the TCP port; default 10000 ms. */
  readyTimeoutMs?: number;
}

export interface RunningTurnServer {
  settings: TurnSettings;
  pid: number;
  configPath: string;
  /** coturn's log file (allocations, refusals). */
  logPath: string;
  startupMs: number;
  /** SIGTERM, up to 5 s, then SIGKILL. Idempotent. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export function findTurnserver(binary?: string): string {
  const candidates = binary ? [binary] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'turnserver'));
  for (const p of candidates) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new Error(TURN_INSTALL_HINT);
}

function canConnect(port: number, host: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startTurnServer(opts: StartTurnOptions): Promise<RunningTurnServer> {
  const settings = validateTurnSettings(opts.settings);
  const bin = findTurnserver(opts.binary);
  const paths = turnPaths(settings);
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.config, renderTurnConfig(settings), { mode: 0o600 });

  const host = settings.listeningIps[0];
  const ports = [settings.port, ...(settings.tlsPort !== null ? [settings.tlsPort] : [])];
  for (const p of ports) {
    if (await canConnect(p, host)) throw new Error(`cannot start turnserver: port ${p} on ${host} is already in use`);
  }

  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    opts.log?.(line);
  };
  const t0 = performance.now();
  const child: ChildProcess = spawn(bin, ['-c', paths.config], { cwd: settings.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    stream.on('end', () => buf && onLine(buf));
  }

  let exitCode: number | null | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (e) => { spawnError = e; exitCode = null; resolve(null); });
    child.once('exit', (code) => { exitCode = code; resolve(code); });
  });
  // Never leave an orphan coturn when the parent (a test runner) exits first.
  const killOnParentExit = () => child.kill('SIGKILL');
  process.on('exit', killOnParentExit);
  void exited.then(() => process.removeListener('exit', killOnParentExit));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 5000)))]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };
  const logTail = () => {
    const lines = tail.length ? tail : existsSync(paths.log) ? readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-30) : [];
    return lines.length ? lines.join('\n') : '(turnserver wrote nothing)';
  };

  const timeout = opts.readyTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeout;
  const pending = new Set(ports);
  while (pending.size) {
    if (exitCode !== undefined) {
      throw new Error(`turnserver ${spawnError ? spawnError.message : `exited with code ${exitCode}`} before its ports opened (config ${paths.config}); last lines:\n${logTail()}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not open ports ${[...pending].join(', ')} on ${host} within ${timeout} ms (config ${paths.config}); last lines:\n${logTail()}`);
    }
    for (const p of [...pending]) if (await canConnect(p, host)) pending.delete(p);
    if (pending.size) await sleep(20);
  }
  return { settings, pid: child.pid!, configPath: paths.config, logPath: paths.log, startupMs: Math.round(performance.now() - t0), stop, exited };
}
