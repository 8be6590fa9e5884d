// Runs a daemon in the foreground as a child process (Prosody, coturn): refuses ports already in
// use, spawns it, hands its output on line by line, waits until its TCP ports accept connections
// (bounded, with its last lines in the error), and stops it with SIGTERM, then SIGKILL after 5 s.
// With `pidFile` it is recorded in <data dir>/run for the next start to clean up; with `dieWithParent`
// the kernel kills it when this process dies, even by SIGKILL (PR_SET_PDEATHSIG through setpriv).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { removePidFile, writePidFile } from './pid-files.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface StartDaemonOptions {
  /** Used in error messages: "cannot start <name>", "<name> exited with code 1 ...". */
  name: string;
  /** As in "(<displayName> wrote nothing)"; default: name. */
  displayName?: string;
  /** The executable (a path, or a name on PATH). */
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ready once every one of these accepts a TCP connection; each must be free before the spawn. */
  readyPorts: HostPort[];
  readyTimeoutMs: number;
  /** Each line the daemon writes to stdout/stderr. */
  log?: (line: string) => void;
  /** A file that stdout/stderr lines are appended to. */
  consoleFile?: string;
  /** The daemon's own log file: its last lines go into errors when it wrote nothing to stdout/stderr. */
  logFile?: string;
  /** Its config file, named in errors. */
  configPath?: string;
  /** Thrown when the command is not an executable (as a path or on PATH). */
  installHint?: string;
  /** Record the pid in <dataDir>/run/<name>.pid while it runs (see pid-files.ts). */
  pidFile?: { dataDir: string; name: string };
  /** SIGKILL it when this process dies, however it dies (needs setpriv from util-linux; else not). */
  dieWithParent?: boolean;
}

export interface RunningDaemon {
  pid: number;
  /** Milliseconds from spawn to every ready port accepting TCP connections. */
  startupMs: number;
  /** SIGTERM, up to 5 s, then SIGKILL. Idempotent. */
  stop(): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal or when the spawn failed). */
  exited: Promise<number | null>;
}

let setprivWorks: boolean | undefined;

/**
 * The command line that makes the kernel SIGKILL `command` when this process dies: setpriv sets
 * PR_SET_PDEATHSIG, then execs it (same pid). Node cannot call prctl itself. Without a working
 * setpriv (not Linux, old util-linux) the command runs as it is; the pid files still let the
 * next start end what was left.
 */
export function withParentDeathSignal(command: string, args: string[]): { command: string; args: string[] } {
  setprivWorks ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0;
  return setprivWorks
    ? { command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', command, ...args] }
    : { command, args };
}

export function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of an executable on PATH, or null. */
export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return null;
}

/** `explicit` when it is executable, else `name` on PATH; throws `installHint` when neither is found. */
export function findExecutable(name: string, explicit: string | undefined, installHint: string): string {
  const found = explicit ?? which(name);
  if (!found || !isExecutable(found)) throw new Error(installHint);
  return found;
}

/** Whether something accepts a TCP connection on host:port within timeoutMs. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
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

/** "ports 1, 2 on host" when they share a host, else "ports h1:1, h2:2". */
export function describePorts(ports: HostPort[]): string {
  const hosts = new Set(ports.map((p) => p.host));
  if (hosts.size <= 1) return `ports ${ports.map((p) => p.port).join(', ')} on ${ports[0]?.host ?? ''}`;
  return `ports ${ports.map((p) => `${p.host}:${p.port}`).join(', ')}`;
}

export interface WaitForPortsOptions {
  timeoutMs: number;
  /** Polled before each round: a reason to give up now (e.g. the process exited), or undefined. */
  abort?: () => string | undefined;
  intervalMs?: number;
}

export type WaitForPortsResult = { ok: true } | { ok: false; aborted?: string; pending: HostPort[] };

/** Polls until every port accepts TCP connections, the deadline passes, or abort() gives a reason. */
export async function waitForPorts(ports: HostPort[], opts: WaitForPortsOptions): Promise<WaitForPortsResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const pending = new Set(ports);
  while (pending.size) {
    const aborted = opts.abort?.();
    if (aborted !== undefined) return { ok: false, aborted, pending: [...pending] };
    if (Date.now() > deadline) return { ok: false, pending: [...pending] };
    for (const p of [...pending]) if (await canConnect(p.port, p.host)) pending.delete(p);
    if (pending.size) await sleep(opts.intervalMs ?? 20);
  }
  return { ok: true };
}

export async function startDaemon(opts: StartDaemonOptions): Promise<RunningDaemon> {
  const { name } = opts;
  if (opts.installHint && !isExecutable(opts.command) && !which(opts.command)) throw new Error(opts.installHint);
  for (const { host, port } of opts.readyPorts) {
    if (await canConnect(port, host))
      throw new Error(`cannot start ${name}: port ${port} on ${host} is already in use`);
  }

  const consoleFile = opts.consoleFile ? createWriteStream(opts.consoleFile, { flags: 'a', mode: 0o600 }) : undefined;
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    consoleFile?.write(line + '\n');
    opts.log?.(line);
  };

  const t0 = performance.now();
  const line = opts.dieWithParent
    ? withParentDeathSignal(opts.command, opts.args)
    : { command: opts.command, args: opts.args };
  const child: ChildProcess = spawn(line.command, line.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pidFile =
    opts.pidFile && child.pid ? writePidFile(opts.pidFile.dataDir, opts.pidFile.name, child.pid, name) : undefined;
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
    child.once('error', (e) => {
      spawnError = e;
      exitCode = null;
      resolve(null);
    });
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  void exited.then(() => {
    if (pidFile) removePidFile(pidFile);
    process.removeListener('exit', killOnParentExit);
    consoleFile?.end();
  });
  // Never leave an orphan daemon when the parent (a test runner) exits first.
  const killOnParentExit = () => child.kill('SIGKILL');
  process.on('exit', killOnParentExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 5000))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  const logTail = () => {
    const lines = tail.length
      ? tail
      : opts.logFile && existsSync(opts.logFile)
        ? readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-30)
        : [];
    return lines.length ? lines.join('\n') : `(${opts.displayName ?? name} wrote nothing)`;
  };
  const context = opts.configPath ? ` (config ${opts.configPath})` : '';

  const ready = await waitForPorts(opts.readyPorts, {
    timeoutMs: opts.readyTimeoutMs,
    abort: () =>
      exitCode === undefined ? undefined : spawnError ? spawnError.message : `exited with code ${exitCode}`,
  });
  if (!ready.ok) {
    if (ready.aborted !== undefined) {
      throw new Error(`${name} ${ready.aborted} before its ports opened${context}; last lines:\n${logTail()}`);
    }
    await stop();
    throw new Error(
      `${name} did not open ${describePorts(ready.pending)} within ${opts.readyTimeoutMs} ms${context}; last lines:\n${logTail()}`,
    );
  }
  const startupMs = Math.round(performance.now() - t0);

  return { pid: child.pid!, startupMs, stop, exited };
}
