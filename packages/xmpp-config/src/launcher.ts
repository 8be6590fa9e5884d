// Runs the system Prosody (Debian package) in the foreground with a generated config:
// for integration tests and for `parley start`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAccounts, type AccountMethod, type AccountSpec } from './accounts.js';
import { findExecutable, isExecutable, startDaemon, which, type RunningDaemon } from './daemon.js';
import { installProsodyPlugins } from './plugins.js';
import { renderProsodyConfig } from './render.js';
import { prosodyDomains, prosodyPaths, type ProsodySettings } from './settings.js';

export const PROSODY_INSTALL_HINT =
  'prosody is not installed: run "apt-get install -y prosody lua-unbound" (or bash setup.sh)';

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
  /** Bound on waiting for the ports; default 30000 ms (a loaded machine took 9 s). */
  readyTimeoutMs?: number;
  /** Record the pid in <dir>/run/prosody.pid (parley start: its data dir). */
  pidDir?: string;
  /** SIGKILL Prosody when this process dies, even by SIGKILL (see daemon.ts). */
  dieWithParent?: boolean;
}

/** Re-exported for existing importers; it lives in daemon.ts. */
export { which };

/** pid, startupMs (spawn to all three ports accepting TCP), stop() and exited: see RunningDaemon. */
export interface RunningProsody extends RunningDaemon {
  settings: ProsodySettings;
  configPath: string;
}

/** The prosody and prosodyctl binaries; throws the install hint when prosody is missing. */
export function findProsody(prosodyBinary?: string): { prosody: string; prosodyctl: string } {
  const prosody = findExecutable('prosody', prosodyBinary, PROSODY_INSTALL_HINT);
  const sibling = join(dirname(prosody), 'prosodyctl');
  return { prosody, prosodyctl: isExecutable(sibling) ? sibling : (which('prosodyctl') ?? 'prosodyctl') };
}

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
  installProsodyPlugins(settings.dataDir);
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

  return launchProsody(opts);
}

/** Runs Prosody with the config and accounts startProsody wrote: what a supervisor's restart does. */
export async function launchProsody(opts: StartProsodyOptions): Promise<RunningProsody> {
  const { settings } = opts;
  const bins = findProsody(opts.prosodyBinary);
  const paths = prosodyPaths(settings);
  const host = probeHost(settings.interfaces);
  const daemon = await startDaemon({
    name: 'prosody',
    displayName: 'Prosody',
    command: bins.prosody,
    args: ['-F', '--config', paths.config],
    cwd: settings.dataDir,
    readyPorts: [settings.ports.c2s, settings.ports.http, settings.ports.component].map((port) => ({ host, port })),
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
    log: opts.log,
    consoleFile: paths.console,
    logFile: paths.log,
    configPath: paths.config,
    ...(opts.pidDir ? { pidFile: { dataDir: opts.pidDir, name: 'prosody' } } : {}),
    dieWithParent: opts.dieWithParent,
  });
  return { settings, configPath: paths.config, ...daemon };
}
