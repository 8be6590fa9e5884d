// What `parley start` adds to keep its stack up: one start per data dir (start.pid), the processes a
// dead start left behind ended before any port is bound (<data dir>/run/*.pid), Prosody and coturn
// supervised (restarted with backoff, dying with start), and the stack's state for /health.
import { join } from 'node:path';
import type { Logger } from '@parley/service';
import {
  endStaleProcesses,
  isRecordedProcessAlive,
  launchProsody,
  readPidFile,
  removePidFile,
  runDir,
  startProsody,
  Supervisor,
  writePidFile,
  type RunningProsody,
  type StartProsodyOptions,
  type SupervisorStatus,
} from '@parley/xmpp-config';
import { startTurnServer, type RunningTurnServer, type StartTurnOptions } from './turn/index.js';

export interface DataDirClaim {
  release(): void;
}

/**
 * Makes this process the one `parley start` of dataDir: refuses when another live start holds it,
 * and ends what a dead one left running (Prosody, bridges, coturn still holding their ports).
 */
export async function claimDataDir(dataDir: string, log: Logger): Promise<DataDirClaim> {
  const file = join(runDir(dataDir), 'start.pid');
  const previous = readPidFile(file);
  if (previous && previous.pid !== process.pid && isRecordedProcessAlive(previous))
    throw new Error(
      `parley start is already running for the data dir ${dataDir} (pid ${previous.pid}): stop it first (kill ${previous.pid}), or use another --data-dir`,
    );
  for (const r of await endStaleProcesses(dataDir, { keep: ['start.pid'] }))
    log.warn('stack.stale_process_ended', { pid: r.pid, what: r.what, hint: 'left by a start that did not stop' });
  writePidFile(dataDir, 'start', process.pid, 'parley start');
  return { release: () => removePidFile(file) };
}

/** Prosody, restarted with backoff whenever it dies; the first start writes config and accounts. */
export function superviseProsody(
  opts: StartProsodyOptions & { pidDir: string; supervisorLog: Logger },
): Promise<Supervisor<RunningProsody>> {
  const log = opts.supervisorLog;
  let first = true;
  const o: StartProsodyOptions = { ...opts, dieWithParent: true };
  return Supervisor.start({
    name: 'prosody',
    log,
    start: () => {
      const run = first ? startProsody(o) : launchProsody(o);
      first = false;
      return run;
    },
  });
}

/** coturn, restarted with backoff whenever it dies. */
export function superviseTurn(
  opts: StartTurnOptions & { pidDir: string; supervisorLog: Logger },
): Promise<Supervisor<RunningTurnServer>> {
  const start = () => startTurnServer({ ...opts, dieWithParent: true });
  return Supervisor.start({ name: 'turnserver', log: opts.supervisorLog, start });
}

/** For the focus's /health: which supervised parts are down, and each part's state. */
export function stackHealth(parts: SupervisorStatus[]): { down: string[]; parts: SupervisorStatus[] } {
  return { down: parts.filter((p) => p.state !== 'up').map((p) => p.name), parts };
}
