// Runs coturn's `turnserver -c <dataDir>/turnserver.conf` in the foreground (never its systemd
// service): waits for its TCP port, stops it with SIGTERM, then SIGKILL after 5 s.
import { mkdirSync, writeFileSync } from 'node:fs';
import { findExecutable, startDaemon, type RunningDaemon } from '@parley/xmpp-config';
import { renderTurnConfig, turnPaths, validateTurnSettings, type TurnSettings } from './turnserver.js';

export const TURN_INSTALL_HINT =
  'turnserver is not installed: run "apt-get install -y coturn" (or bash setup.sh); do not enable its systemd service, parley start runs it';

export interface StartTurnOptions {
  settings: TurnSettings;
  /** Path of the turnserver binary; default: `turnserver` on PATH. */
  binary?: string;
  /** Each line coturn writes to stdout/stderr. */
  log?: (line: string) => void;
  /** Bound on waiting for the TCP port; default 30000 ms. */
  readyTimeoutMs?: number;
  /** Record the pid in <pidDir>/run/turnserver.pid (parley start: its data dir). */
  pidDir?: string;
  /** SIGKILL coturn when this process dies, even by SIGKILL (see daemon.ts in @parley/xmpp-config). */
  dieWithParent?: boolean;
}

/** pid, startupMs, stop() (SIGTERM, up to 5 s, then SIGKILL; idempotent) and exited: see RunningDaemon. */
export interface RunningTurnServer extends RunningDaemon {
  settings: TurnSettings;
  configPath: string;
  /** coturn's log file (allocations, refusals). */
  logPath: string;
}

export function findTurnserver(binary?: string): string {
  return findExecutable('turnserver', binary, TURN_INSTALL_HINT);
}

export async function startTurnServer(opts: StartTurnOptions): Promise<RunningTurnServer> {
  const settings = validateTurnSettings(opts.settings);
  const bin = findTurnserver(opts.binary);
  const paths = turnPaths(settings);
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.config, renderTurnConfig(settings), { mode: 0o600 });

  const host = settings.listeningIps[0];
  const ports = [settings.port, ...(settings.tlsPort !== null ? [settings.tlsPort] : [])];
  const daemon = await startDaemon({
    name: 'turnserver',
    command: bin,
    args: ['-c', paths.config],
    cwd: settings.dataDir,
    readyPorts: ports.map((port) => ({ host, port })),
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
    log: opts.log,
    logFile: paths.log,
    configPath: paths.config,
    ...(opts.pidDir ? { pidFile: { dataDir: opts.pidDir, name: 'turnserver' } } : {}),
    dieWithParent: opts.dieWithParent,
  });
  return { settings, configPath: paths.config, logPath: paths.log, ...daemon };
}
