// Runs the system Prosody (Debian package) in the foreground with a generated config:
// for integration tests and for `parley start`.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { createAccounts, type AccountMethod, type AccountSpec } from './accounts.js';
import { renderProsodyConfig } from './render.js';
import { prosodyDomains, prosodyPaths, type ProsodySettings } from './settings.js';

export const PROSODY_INSTALL_HINT = 'prosody is not installed: run "apt-get install -y prosody lua-unbound" (or bash setup.sh)';

export interface StartProsodyOptions {
  settings: ProsodySettings;
  /** Extra accounts; the bridge and focus accounts from settings are always created. */
  accounts?: AccountSpec[];
  /** Path of the prosody binary; default: `prosody` on PATH. prosodyctl is looked up next to it. */
  prosodyBinary?: string;
  /** Each line Prosody writes to stdout/stderr. */
  log?: (line: string) => void;
  /** How accounts are created (see accounts.ts); default "auto". */
  accountMethod?: AccountMethod;
  /** Bound on waiting for the ports; default 15000 ms. */
  readyTimeoutMs?: number;
}

export interface RunningProsody {
  settings: ProsodySettings;
  pid: number;
  configPath: string;
  /** Milliseconds from spawn to all three ports accepting TCP connections. */
  startupMs: number;
  /** SIGTERM, up to 5 s, then SIGKILL. Idempotent. */
  stop(): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

function isExecutable(p: string): boolean {
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

/** The prosody and prosodyctl binaries; throws the install hint when prosody is missing. */
export function findProsody(prosodyBinary?: string): { prosody: string; prosodyctl: string } {
  const prosody = prosodyBinary ?? which('prosody');
  if (!prosody || !isExecutable(prosody)) throw new Error(PROSODY_INSTALL_HINT);
  const sibling = join(dirname(prosody), 'prosodyctl');
  return { prosody, prosodyctl: isExecutable(sibling) ? sibling : (which('prosodyctl') ?? 'prosodyctl') };
}

function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
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

/** The address to probe for a listening interface ("*" and "::" / "0.0.0.0" mean every address). */
function probeHost(interfaces: string[]): string {
  const first = interfaces[0] ?? '127.0.0.1';
  if (first === '*' || first === '0.0.0.0') return '127.0.0.1';
  if (first === '::') return '::1';
  return first;
}

export async function startProsody(opts: StartProsodyOptions): Promise<RunningProsody> {
  const { settings } = opts;
  const bins = findProsody(opts.prosodyBinary);
  const paths = prosodyPaths(settings);
  const domains = prosodyDomains(settings);

  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.data, { recursive: true, mode: 0o700 });
  mkdirSync(paths.certs, { recursive: true, mode: 0o700 });
  writeFileSync(paths.config, renderProsodyConfig(settings), { mode: 0o600 });

  await createAccounts({
    accounts: [
      { user: settings.bridgeAccount.username, host: domains.auth, password: settings.bridgeAccount.password },
      { user: settings.focusAccount.username, host: domains.auth, password: settings.focusAccount.password },
      ...(opts.accounts ?? []),
    ],
    dataPath: paths.data,
    configPath: paths.config,
    prosodyctl: bins.prosodyctl,
    method: opts.accountMethod,
  });

  const host = probeHost(settings.interfaces);
  const ports = [settings.ports.c2s, settings.ports.http, settings.ports.component];
  for (const p of ports) {
    if (await canConnect(p, host)) throw new Error(`cannot start prosody: port ${p} on ${host} is already in use`);
  }

  const consoleFile = createWriteStream(paths.console, { flags: 'a', mode: 0o600 });
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    consoleFile.write(line + '\n');
    opts.log?.(line);
  };

  const t0 = performance.now();
  const child: ChildProcess = spawn(bins.prosody, ['-F', '--config', paths.config], {
    cwd: settings.dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    process.removeListener('exit', killOnParentExit);
    consoleFile.end();
  });
  // Never leave an orphan Prosody when the parent (a test runner) exits first.
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
    const lines = tail.length ? tail : existsSync(paths.log) ? readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-30) : [];
    return lines.length ? lines.join('\n') : '(Prosody wrote nothing)';
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  const pending = new Set(ports);
  while (pending.size) {
    if (exitCode !== undefined) {
      const why = spawnError ? spawnError.message : `exited with code ${exitCode}`;
      throw new Error(`prosody ${why} before its ports opened (config ${paths.config}); last lines:\n${logTail()}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `prosody did not open ports ${[...pending].join(', ')} on ${host} within ${opts.readyTimeoutMs ?? 15_000} ms ` +
          `(config ${paths.config}); last lines:\n${logTail()}`,
      );
    }
    for (const p of [...pending]) if (await canConnect(p, host)) pending.delete(p);
    if (pending.size) await sleep(20);
  }
  const startupMs = Math.round(performance.now() - t0);

  return { settings, pid: child.pid!, configPath: paths.config, startupMs, stop, exited };
}
